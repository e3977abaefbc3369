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
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from marshmallow import Schema, ValidationError
from sqlalchemy.engine import Engine

from gateway.fhir import structure_issues
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.registry import feed_kinds, kind_named
from gateway.store.bulk import upsert_many
from gateway.store.records import WriteOutcome

BATCH_ROWS = 500
PREFETCH = 4  # batches prepared ahead by the worker pool (bounds memory)
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

    def merge(self, other: LoadReport) -> None:
        """Add the counts, errors and stage times of a partial report."""
        for name in ("created", "updated", "unchanged", "rejected", "rows"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        for stage, value in other.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + value

    def count(self, outcome: WriteOutcome) -> None:
        """Record one write outcome (``created``, ``updated`` or ``unchanged``)."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    data: Any  # a dict for good rows; an error reason (str) for unparseable ones


def kind_for(path: Path) -> FeedKind | None:
    """The feed kind whose file pattern matches the file name, if any."""
    return next((k for k in feed_kinds() if fnmatch.fnmatch(path.name, k.file_pattern)), None)


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
    workers: int = 1,
) -> LoadReport:
    """Load every feed file under ``paths``; returns one report for all of them."""
    report = LoadReport()
    seen: set[tuple[str, str]] = set()
    with ExitStack() as stack:
        pool = stack.enter_context(ProcessPoolExecutor(workers)) if workers > 1 else None
        for path, kind in feed_files(paths):
            load_file(
                engine,
                path,
                kind,
                report,
                seen=seen,
                batch_rows=batch_rows,
                progress=progress,
                pool=pool,
            )
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
    pool: Executor | None = None,
) -> LoadReport:
    """Load one feed file into the store, batch by batch, adding to ``report``.

    With a process ``pool`` the CPU-bound stages (parse, validate, map, fhir) of the next
    batches run in worker processes while this process writes the current one.
    """
    seen = set() if seen is None else seen
    for part in _prepared(path, kind, batch_rows, pool):
        report.merge(part.report)
        fresh = [r for r in part.resources if (r["resourceType"], r["id"]) not in seen]
        seen.update((r["resourceType"], r["id"]) for r in fresh)
        _write(engine, kind, fresh, report)
        if progress:
            progress(part.report.rows)
    return report


@dataclass(frozen=True, slots=True)
class _Prepared:
    resources: list[Mapping[str, Any]]
    report: LoadReport


def _prepared(
    path: Path, kind: FeedKind, batch_rows: int, pool: Executor | None
) -> Iterator[_Prepared]:
    """Batches of checked resources, computed here or (bounded, in order) in the pool."""
    chunks = _chunks(path, kind, batch_rows)
    if pool is None:
        checked: set[tuple[str, str]] = set()  # repeats (the payer) are checked only once
        for rows, seconds in chunks:
            yield _prepare(kind, path, rows, seconds, checked)
        return
    pending: deque[Future[_Prepared]] = deque()
    for rows, seconds in chunks:
        pending.append(pool.submit(_prepare_named, kind.name, path, rows, seconds))
        if len(pending) > PREFETCH:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _chunks(path: Path, kind: FeedKind, batch_rows: int) -> Iterator[tuple[list[_Row], float]]:
    """Rows in batches, each with the time spent parsing them."""
    rows: list[_Row] = []
    started = time.perf_counter()
    for row in read_rows(path, kind):
        rows.append(row)
        if len(rows) == batch_rows:
            yield rows, time.perf_counter() - started
            rows = []
            started = time.perf_counter()
    if rows:
        yield rows, time.perf_counter() - started


def _prepare_named(name: str, path: Path, rows: list[_Row], seconds: float) -> _Prepared:
    """Worker entry point: the kind travels by name (FeedKind holds functions)."""
    return _prepare(kind_named(name), path, rows, seconds, set())


def _prepare(
    kind: FeedKind, path: Path, rows: list[_Row], seconds: float, checked: set[tuple[str, str]]
) -> _Prepared:
    report = LoadReport(rows=len(rows))
    report.seconds["parse"] = seconds
    resources = [r for row in rows for r in _map_row(path, kind, row, report, checked)]
    return _Prepared(resources, report)


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
    """Upsert one batch in one transaction (batched statements, ``gateway.store.bulk``)."""
    if not batch:
        return
    started = time.perf_counter()
    items = [(str(r["resourceType"]), r) for r in batch]
    with engine.begin() as conn:
        for _, outcome in upsert_many(conn, items, mapping_version=kind.mapping_version):
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
