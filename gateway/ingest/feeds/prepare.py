"""The CPU stages of a feed load: parse, validate, map, check and extract index rows.

They are pure (no database), so they run in worker processes when the load has them, while
the main process writes the batch before. Each batch comes back as resources with their search
index rows, ready for :func:`gateway.store.bulk.upsert_many`, and a partial report. Stage
times here are CPU seconds of the preparing process (``time.process_time``): on a shared
machine wall time measures the neighbours as much as the stage.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from marshmallow import Schema, ValidationError

from gateway.collector import tune_for_batches
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.registry import kind_named
from gateway.ingest.feeds.report import LoadReport, RowError
from gateway.ingest.feeds.shapes import ShapeCheck
from gateway.search.extract import IndexRows, extract

# Young-generation threshold during loads: batches hold tens of thousands of live objects, and
# with the default (700) the collector ran so often it took about 40 % of a load's CPU.


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a feed file: a dict, or the reason it could not be parsed."""

    line: int
    data: Any  # a dict for good rows; an error reason (str) for unparseable ones


@dataclass(frozen=True, slots=True)
class Prepared:
    """A batch ready to write: resources with their index rows, and its partial report."""

    resources: list[tuple[Mapping[str, Any], IndexRows | None]]
    report: LoadReport


@dataclass(slots=True)
class Checks:
    """What a preparing process remembers across batches of one load."""

    shapes: ShapeCheck
    seen: set[tuple[str, str]]  # resources already mapped (repeats, like the payer, once)


def read_rows(path: Path, kind: FeedKind) -> Iterator[Row]:
    """The rows of a CSV (header line 1) or JSON Lines file, with their line numbers."""
    with path.open(encoding="utf-8", newline="") as handle:
        if kind.file_format == "csv":
            reader = csv.DictReader(handle)
            for record in reader:
                yield Row(reader.line_num, record)
            return
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                yield Row(number, orjson.loads(text))
            except orjson.JSONDecodeError:
                yield Row(number, "not a valid JSON object")


def chunks(path: Path, kind: FeedKind, batch_rows: int) -> Iterator[tuple[list[Row], float]]:
    """Rows in batches, each with the time spent parsing them."""
    rows: list[Row] = []
    started = time.process_time()
    for row in read_rows(path, kind):
        rows.append(row)
        if len(rows) == batch_rows:
            yield rows, time.process_time() - started
            rows = []
            started = time.process_time()
    if rows:
        yield rows, time.process_time() - started


_WORKER: dict[str, Checks] = {}


def start_worker(shapes: ShapeCheck) -> None:
    """Worker-process initializer: the load's shape checks so far, and the tuned collector."""
    _WORKER["checks"] = Checks(shapes, set())
    tune_for_batches()


def prepare_in_worker(name: str, path: Path, rows: list[Row], seconds: float) -> Prepared:
    """Worker entry point: the kind travels by name (FeedKind holds functions)."""
    checks = _WORKER.get("checks") or Checks(ShapeCheck(), set())
    checks.seen = set()  # per batch here: the main process drops repeats across batches
    return prepare(kind_named(name), path, rows, seconds, checks, index=True)


def prepare(
    kind: FeedKind,
    path: Path,
    rows: list[Row],
    seconds: float,
    checks: Checks,
    *,
    index: bool = False,
) -> Prepared:
    """Validate, map and check one batch of rows; with ``index``, extract its index rows too.

    Workers extract (the writer is then spared it); in a single process the writer extracts,
    for the resources it writes only, so an unchanged reload extracts nothing.
    """
    report = LoadReport(rows=len(rows))
    report.seconds["parse"] = seconds
    resources = [r for row in rows for r in _map_row(path, kind, row, report, checks)]
    if not index:
        return Prepared([(r, None) for r in resources], report)
    started = time.process_time()
    indexed: list[tuple[Mapping[str, Any], IndexRows | None]] = [
        (r, extract(str(r["resourceType"]), r)) for r in resources
    ]
    report.seconds["index"] += time.process_time() - started
    return Prepared(indexed, report)


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
