"""The CPU stages of a feed load: parse, validate, map, check, extract index rows, serialize.

They are pure (no database), so they run in worker processes when the load has them, while
the main process writes the batches before. There each batch comes back as serialized
resources with their search index rows, ready for :func:`gateway.store.bulk.upsert_many`, and
a partial report. Stage times here are CPU seconds of the preparing process
(``time.process_time``): on a shared machine wall time measures the neighbours as much as the
stage.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

import orjson
from marshmallow import Schema, ValidationError

from gateway.collector import between_batches, collect_per_batch
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.registry import kind_named
from gateway.ingest.feeds.report import LoadReport, RowError
from gateway.ingest.feeds.shapes import ShapeCheck
from gateway.search.extract import extract
from gateway.store.bulk import ExtractLater
from gateway.store.indexing import TableRows, table_rows
from gateway.store.serialized import Serialized


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a feed file: a dict, or the reason it could not be parsed."""

    line: int
    data: Any  # a dict for good rows; an error reason (str) for unparseable ones


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows of one file as read, parsed where they are prepared (in a worker, with workers).

    JSON Lines rows are the line's bytes; CSV rows are the values of one record, which
    ``header`` names. Sending these rather than parsed dicts keeps the writing process's share
    of the work (pickling) small.
    """

    header: tuple[str, ...] | None
    lines: list[tuple[int, Any]]  # (line number, bytes of a JSON line | list of CSV values)
    seconds: float  # CPU seconds spent reading them


Rows = TableRows | ExtractLater  # index rows laid out per table, or extracted when written


@dataclass(frozen=True, slots=True)
class Prepared:
    """A batch ready to write: serialized resources with their index rows, and its partial
    report.

    Every resource is :class:`Serialized` where it was prepared (its bytes and content hash).
    In a load with workers its index rows come laid out per table; in a load without, they
    are extracted by the writer from the mapped body, for what it writes only (an unchanged
    reload extracts nothing).
    """

    resources: list[tuple[Serialized, Rows]]
    report: LoadReport


@dataclass(slots=True)
class Checks:
    """What a preparing process remembers across batches of one load."""

    shapes: ShapeCheck
    seen: set[tuple[str, str]]  # resources already mapped (repeats, like the payer, once)


def read_rows(path: Path, kind: FeedKind) -> Iterator[Row]:
    """The rows of a CSV (header line 1) or JSON Lines file, with their line numbers."""
    with _open(path, kind) as handle:
        header, lines = _raw_lines(handle, kind)
        for line, raw in lines:
            yield parse(header, line, raw)


def chunks(path: Path, kind: FeedKind, batch_rows: int) -> Iterator[Batch]:
    """The file's rows as read, in batches of ``batch_rows``; blank lines are skipped."""
    started = time.process_time()
    with _open(path, kind) as handle:
        header, lines = _raw_lines(handle, kind)
        batch: list[tuple[int, Any]] = []
        for item in lines:
            batch.append(item)
            if len(batch) == batch_rows:
                yield Batch(header, batch, time.process_time() - started)
                batch = []
                started = time.process_time()
        if batch:
            yield Batch(header, batch, time.process_time() - started)


def _open(path: Path, kind: FeedKind) -> IO[Any]:
    """JSON Lines as bytes (orjson refuses what is not UTF-8, row by row); CSV as text, with
    bytes that are not UTF-8 kept as surrogates so that their row alone is rejected."""
    if kind.file_format == "jsonl":
        return path.open("rb")
    return path.open(encoding="utf-8", errors="surrogateescape", newline="")


def _raw_lines(handle: IO[Any], kind: FeedKind) -> tuple[tuple[str, ...] | None, Iterator[Any]]:
    """The header (CSV) and the non-blank rows as (line number, raw row)."""
    if kind.file_format == "jsonl":
        return None, ((n, text) for n, text in enumerate(handle, start=1) if text.strip())
    reader = csv.reader(handle)
    header = tuple(next(reader, ()))
    # csv.DictReader skips empty records too; line_num is read after each record
    return header, ((reader.line_num, values) for values in reader if values)


def parse(header: tuple[str, ...] | None, line: int, raw: Any) -> Row:
    """One row as read -> its dict (as ``csv.DictReader`` makes them), or why it is not one."""
    if header is None:
        try:
            return Row(line, orjson.loads(raw))
        except orjson.JSONDecodeError:
            return Row(line, "not a valid JSON object")
    try:
        "".join(raw).encode("utf-8")
    except UnicodeEncodeError:
        return Row(line, "not valid UTF-8 text")
    record: dict[str | None, Any] = dict(zip(header, raw, strict=False))
    if len(raw) > len(header):
        record[None] = raw[len(header) :]
    else:
        record.update(dict.fromkeys(header[len(raw) :]))
    return Row(line, record)


_WORKER: dict[str, Checks] = {}


def start_worker(shapes: ShapeCheck) -> None:
    """Worker-process initializer: the load's shape checks so far, and the tuned collector."""
    _WORKER["checks"] = Checks(shapes, set())
    collect_per_batch()


def prepare_in_worker(name: str, path: Path, batch: Batch) -> Prepared:
    """Worker entry point: the kind travels by name (FeedKind holds functions)."""
    between_batches()  # the previous batch is gone: collect what it left
    checks = _WORKER.get("checks") or Checks(ShapeCheck(), set())
    checks.seen = set()  # per batch here: the main process drops repeats across batches
    return prepare(kind_named(name), path, batch, checks, complete=True)


def prepare(
    kind: FeedKind, path: Path, batch: Batch, checks: Checks, *, complete: bool = False
) -> Prepared:
    """Parse, validate, map, check and serialize one batch of rows.

    ``complete`` (in workers, and for what they inherit): extract the index rows too, so the
    writing process only splices each version in and runs the SQL. Otherwise the writer
    extracts them for the resources it writes (:class:`~gateway.store.bulk.ExtractLater`).

    Each row goes through every stage before the next row is parsed: the objects of one row's
    resources are then still in the CPU caches when they are walked again (checked, indexed,
    serialized). Stage by stage over a whole batch, serializing alone cost 2.5 times as much
    (bench/README.md, "Feed load").
    """
    report = LoadReport(rows=len(batch.lines))
    seconds = report.seconds
    seconds["parse"] = batch.seconds
    header = batch.header
    out: list[tuple[Serialized, Rows]] = []
    for line, raw in batch.lines:
        started = time.process_time()
        row = parse(header, line, raw)
        seconds["parse"] += time.process_time() - started
        resources = _map_row(path, kind, row, report, checks)
        if resources:
            out.extend(_finished(resources, seconds, complete))
    return Prepared(out, report)


def _finished(
    resources: list[Mapping[str, Any]], seconds: dict[str, float], complete: bool
) -> list[tuple[Serialized, Rows]]:
    """One row's resources serialized, with their index rows laid out per table (``complete``)
    or to be extracted when written."""
    started = time.process_time()
    indexed: list[tuple[Mapping[str, Any], Rows]] = [
        (r, table_rows(rtype := str(r["resourceType"]), extract(rtype, r)))
        if complete
        else (r, ExtractLater(r))
        for r in resources
    ]
    index_done = time.process_time()
    done = [(Serialized.of(str(r["resourceType"]), str(r["id"]), r), rows) for r, rows in indexed]
    seconds["index"] += index_done - started
    seconds["serialize"] += time.process_time() - index_done
    return done


def map_row(kind: FeedKind, row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The resources of one row, without validation or storage (``gateway feeds map``)."""
    return list(kind.to_fhir(_schema(kind).load(row)))


def _map_row(
    path: Path, kind: FeedKind, row: Row, report: LoadReport, checks: Checks
) -> list[Mapping[str, Any]]:
    """Validate, map and structure-check one row; reject it (recording why) on any failure."""
    if isinstance(row.data, str):
        return _reject(report, path, row.line, [("(row)", row.data)])
    started = time.process_time()
    try:
        record = _schema(kind).load(row.data)
    except ValidationError as exc:
        report.seconds["validate"] += time.process_time() - started
        return _reject(report, path, row.line, list(_field_errors(exc.messages)))
    mapped = time.process_time()
    report.seconds["validate"] += mapped - started
    seen = checks.seen
    resources = [r for r in kind.to_fhir(record) if (r["resourceType"], r["id"]) not in seen]
    checked = time.process_time()
    report.seconds["map"] += checked - mapped
    problems = [
        (issue.expression, issue.message) for r in resources for issue in checks.shapes.issues(r)
    ]
    report.seconds["fhir"] += time.process_time() - checked
    if problems:
        return _reject(report, path, row.line, problems)
    seen.update((r["resourceType"], r["id"]) for r in resources)
    return resources


@cache
def _schema(kind: FeedKind) -> Schema:
    """One schema instance per kind: loading is stateless, building one costs about 1 ms."""
    return kind.schema()


def _reject(
    report: LoadReport, path: Path, line: int, problems: list[tuple[str, str]]
) -> list[Mapping[str, Any]]:
    report.rejected += 1
    report.errors.extend(RowError(path.name, line, name, reason) for name, reason in problems)
    return []


def _field_errors(messages: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Flatten marshmallow's nested error messages into (dotted field, reason) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            yield from _field_errors(value, name)
    elif isinstance(messages, list):
        for message in messages:
            yield from _field_errors(message, prefix)
    else:
        yield (prefix or "(row)", str(messages))
