"""The generic feed loader: file -> schema -> record -> mapping -> check -> upsert (DESIGN D8).

Every rejected row is reported with file, line, field and reason; good rows still load. Each
batch of rows is written in one transaction, so an interrupted load leaves whole batches and
can simply be re-run: writes are upserts on ids derived from source keys, and an unchanged
resource writes nothing (``WriteOutcome.UNCHANGED``).
"""

from __future__ import annotations

import csv
import fnmatch
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from marshmallow import Schema, ValidationError
from sqlalchemy.engine import Engine

from gateway.fhir import structure_issues
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.registry import feed_kinds
from gateway.store.records import WriteOutcome
from gateway.store.repository import Repository

BATCH_ROWS = 500
STAGES = ("parse", "validate", "map", "fhir", "write")
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RowError:
    """One rejected row: where it is, which field, and why."""

    file: str
    line: int
    field: str
    reason: str


@dataclass
class LoadReport:
    """Counts of a load, the rejected rows and the time spent per stage (seconds)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def resources(self) -> int:
        """Resources written or confirmed unchanged."""
        return self.created + self.updated + self.unchanged

    def count(self, outcome: WriteOutcome) -> None:
        """Record one write outcome."""
        if outcome is WriteOutcome.CREATED:
            self.created += 1
        elif outcome is WriteOutcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    data: Any  # a dict for good rows; an error reason (str) for unparseable ones


def kind_for(path: Path) -> FeedKind | None:
    """The feed kind whose file pattern matches the file name, if any."""
    for kind in feed_kinds():
        if fnmatch.fnmatch(path.name, kind.file_pattern):
            return kind
    return None


def feed_files(paths: list[Path]) -> list[tuple[Path, FeedKind]]:
    """The feed files under ``paths`` (files or directories) in load order."""
    found: list[tuple[Path, FeedKind]] = []
    for path in paths:
        for candidate in sorted(path.iterdir()) if path.is_dir() else [path]:
            kind = kind_for(candidate)
            if kind is not None and candidate.is_file():
                found.append((candidate, kind))
    return sorted(found, key=lambda pk: (pk[1].order, pk[1].name, str(pk[0])))


def load_paths(
    engine: Engine,
    paths: list[Path],
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> LoadReport:
    """Load every feed file under ``paths``; returns one report for all of them."""
    report = LoadReport()
    seen: set[tuple[str, str]] = set()
    for path, kind in feed_files(paths):
        load_file(engine, path, kind, report, seen=seen, batch_rows=batch_rows, progress=progress)
    return report


def load_file(
    engine: Engine,
    path: Path,
    kind: FeedKind,
    report: LoadReport,
    *,
    seen: set[tuple[str, str]] | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> LoadReport:
    """Load one feed file into the store, batch by batch, adding to ``report``."""
    seen = set() if seen is None else seen
    batch: list[Mapping[str, Any]] = []
    rows = 0
    for row in _timed(report, "parse", read_rows(path, kind)):
        rows += 1
        batch.extend(_map_row(path, kind, row, report, seen))
        if rows % batch_rows == 0:
            _write(engine, kind, batch, report)
            batch = []
            if progress:
                progress(batch_rows)
    _write(engine, kind, batch, report)
    if progress and rows % batch_rows:
        progress(rows % batch_rows)
    report.rows += rows
    return report


def map_row(kind: FeedKind, row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The resources of one row, without validation or storage (``gateway feeds map``)."""
    return list(kind.to_fhir(_schema(kind).load(row)))


def _map_row(
    path: Path, kind: FeedKind, row: _Row, report: LoadReport, seen: set[tuple[str, str]]
) -> list[Mapping[str, Any]]:
    """Validate, map and structure-check one row; reject it (recording why) on any failure."""
    if isinstance(row.data, str):
        return _reject(report, path, row.line, [("(row)", row.data)])
    started = time.perf_counter()
    try:
        record = _schema(kind).load(row.data)
    except ValidationError as exc:
        report.seconds["validate"] += time.perf_counter() - started
        return _reject(report, path, row.line, list(_field_errors(exc.messages)))
    mapped = time.perf_counter()
    report.seconds["validate"] += mapped - started
    resources = [r for r in kind.to_fhir(record) if (r["resourceType"], r["id"]) not in seen]
    checked = time.perf_counter()
    report.seconds["map"] += checked - mapped
    problems = [
        (f"{r['resourceType']}.{issue.expression}", issue.message)
        for r in resources
        for issue in structure_issues(r)
    ]
    report.seconds["fhir"] += time.perf_counter() - checked
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


def _write(
    engine: Engine, kind: FeedKind, batch: list[Mapping[str, Any]], report: LoadReport
) -> None:
    """Upsert one batch in one transaction."""
    if not batch:
        return
    started = time.perf_counter()
    with engine.begin() as conn:
        repo = Repository(conn)
        for resource in batch:
            _, outcome = repo.upsert(
                resource["resourceType"], resource, mapping_version=kind.mapping_version
            )
            report.count(outcome)
    report.seconds["write"] += time.perf_counter() - started


def read_rows(path: Path, kind: FeedKind) -> Iterator[_Row]:
    """The rows of a CSV (header line 1) or JSON Lines file, with their line numbers."""
    with path.open(encoding="utf-8", newline="") as handle:
        if kind.file_format == "csv":
            reader = csv.DictReader(handle)
            for record in reader:
                yield _Row(reader.line_num, record)
            return
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                yield _Row(number, orjson.loads(text))
            except orjson.JSONDecodeError:
                yield _Row(number, "not a valid JSON object")


def _timed(report: LoadReport, stage: str, rows: Iterator[_Row]) -> Iterator[_Row]:
    """Attribute the time spent producing each row to ``stage``."""
    while True:
        started = time.perf_counter()
        row = next(rows, None)
        report.seconds[stage] += time.perf_counter() - started
        if row is None:
            return
        yield row


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
