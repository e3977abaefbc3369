"""The generic feed loader: file -> schema -> record -> mapping -> check -> upsert (DESIGN D8).

Every rejected row is reported with file, line, field and reason; good rows still load. Each
batch of rows is written in one transaction, so an interrupted load leaves whole batches and
can simply be re-run: writes are upserts on ids derived from source keys, and an unchanged
resource writes nothing (``WriteOutcome.UNCHANGED``). The CPU stages live in
:mod:`gateway.ingest.feeds.prepare` and run in worker processes when ``workers`` > 1.
"""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from gateway.collector import EveryNthBatch, batch_collector
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.prepare import (
    Batch,
    Checks,
    Prepared,
    Rows,
    chunks,
    map_row,
    prepare,
    prepare_in_worker,
    read_rows,
    start_worker,
)
from gateway.ingest.feeds.registry import feed_kinds
from gateway.ingest.feeds.report import STAGES, LoadReport, RowError
from gateway.ingest.feeds.shapes import ShapeCheck
from gateway.ingest.process_pool import ordered_map
from gateway.store.bulk import upsert_many
from gateway.store.engine import bulk_load_settings
from gateway.store.serialized import Serialized

__all__ = ["STAGES", "LoadReport", "RowError", "feed_files", "load_paths", "map_row", "read_rows"]

BATCH_ROWS = 500
PREFETCH = 4  # batches prepared ahead by the worker pool (bounds memory)
WARM_ROWS = 50  # rows prepared here before the workers fork, to warm what they inherit
FILL_ROWS = 100  # the rest of the first batch goes to the workers in pieces of this many rows
MAX_WORKERS = 4
COLLECT_EVERY = 8  # batches written between two collections in the writing process
Progress = Callable[[int], None]


def default_workers() -> int:
    """Worker processes for a load: the CPUs idle now, at most 4 (1 means none).

    Idle is the CPU count minus the 1-minute load average. On the shared 2-core VM, with other
    work on both cores, two workers beside the writing process made loads 20-30 % slower
    (results pickled across processes, a third process); they pay off only with idle cores.
    """
    idle = (os.cpu_count() or 1) - os.getloadavg()[0]
    return max(1, min(round(idle), MAX_WORKERS))


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
    check_every: bool = False,
) -> LoadReport:
    """Load every feed file under ``paths``; returns one report for all of them.

    ``workers`` > 1 prepares batches in that many processes, forked once for the load after
    its first batch so that they inherit warm caches (imported models, schemas, shapes
    checked). ``check_every``: check every mapped resource with the fhir.resources models, not
    only the first of each shape (ADR 0004).
    """
    return _load(engine, feed_files(paths), batch_rows, progress, Workers(workers, check_every))


def load_file(
    engine: Engine,
    path: Path,
    kind: FeedKind,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
    workers: int = 1,
    check_every: bool = False,
) -> LoadReport:
    """Load one feed file of kind ``kind`` into the store, batch by batch."""
    return _load(engine, [(path, kind)], batch_rows, progress, Workers(workers, check_every))


def _load(
    engine: Engine,
    files: list[tuple[Path, FeedKind]],
    batch_rows: int,
    progress: Progress | None,
    pool: Workers,
) -> LoadReport:
    """Write the prepared batches in order, one transaction each.

    With worker processes the CPU-bound stages of the next batches run there while this
    process writes the current one.
    """
    report = LoadReport()
    written: set[tuple[str, str]] = set()  # a resource many rows make: written once per load
    collections = EveryNthBatch(COLLECT_EVERY)
    with batch_collector(per_batch=True), engine.connect() as conn, bulk_load_settings(conn):
        for kind, part in _prepared(files, batch_rows, pool):
            report.merge(part.report)
            fresh = [(r, rows) for r, rows in part.resources if _key(r) not in written]
            written.update(_key(r) for r, _rows in fresh)
            _write(conn, kind, fresh, report)
            rows = part.report.rows
            del part, fresh
            collections.batch_done()
            if progress:
                progress(rows)
    return report


def _key(resource: Serialized) -> tuple[str, str]:
    return resource.resource_type, resource.id


class Workers:
    """The prepare stage of one load: here, or in that many worker processes."""

    def __init__(self, count: int, check_every: bool = False) -> None:
        self.count = count
        self.checks = Checks(ShapeCheck(every=check_every), set())


Task = tuple[str, Path, Batch]  # (kind name, file, rows): FeedKind holds functions


def _prepare_task(task: Task) -> Prepared:
    return prepare_in_worker(*task)


def _prepared(
    files: list[tuple[Path, FeedKind]], batch_rows: int, pool: Workers
) -> Iterator[tuple[FeedKind, Prepared]]:
    """Batches ready to write, in order, computed here or (bounded) in worker processes.

    The first batch of the load is prepared here: a load of one batch never waits for
    processes to start. With workers, only its first ``WARM_ROWS`` rows are: enough to warm the
    caches the workers, forked after them, inherit (models, search plans, shapes checked),
    without keeping the other core idle for a whole batch. The rest of that batch goes to the
    workers in pieces of ``FILL_ROWS``, so that this process has its first batch to write
    after a fifth of a batch's work instead of a whole one (each piece is its own transaction).
    """
    batches: Iterator[tuple[Path, FeedKind, Batch]] = (
        (path, kind, b) for path, kind in files for b in chunks(path, kind, batch_rows)
    )
    first = next(batches, None)
    if first is None:
        return
    path, first_kind, batch = first
    second = next(batches, None)
    if second is None:
        yield first_kind, prepare(first_kind, path, batch, pool.checks)
        return
    batches = chain([second], batches)
    if pool.count <= 1:
        yield first_kind, prepare(first_kind, path, batch, pool.checks)
        for path, kind, batch in batches:
            yield kind, prepare(kind, path, batch, pool.checks)
        return
    if len(batch.lines) > WARM_ROWS:  # the rest of it goes to the workers, in pieces
        lines = batch.lines
        pieces = (
            (path, first_kind, Batch(batch.header, lines[start : start + FILL_ROWS], 0.0))
            for start in range(WARM_ROWS, len(lines), FILL_ROWS)
        )
        batches = chain(pieces, batches)
        batch = Batch(batch.header, lines[:WARM_ROWS], batch.seconds)
    yield first_kind, prepare(first_kind, path, batch, pool.checks, complete=True)
    kinds = {kind.name: kind for _path, kind in files}
    tasks = ((kind.name, path, batch) for path, kind, batch in batches)
    for (name, _path, _batch), prepared in ordered_map(
        _prepare_task,
        tasks,
        pool.count,
        PREFETCH + 1,
        start="fork",  # a command-line load runs no threads; the workers inherit warm caches
        initializer=start_worker,
        initargs=(pool.checks.shapes,),
    ):
        yield kinds[name], prepared


def _write(
    conn: Connection,
    kind: FeedKind,
    batch: list[tuple[Serialized, Rows]],
    report: LoadReport,
) -> None:
    """Upsert one batch in one transaction, with its index rows (or extracting them here)."""
    if not batch:
        return
    started = time.perf_counter()
    items = [(r.resource_type, r) for r, _rows in batch]
    with conn.begin():
        written = upsert_many(
            conn,
            items,
            mapping_version=kind.mapping_version,
            index_rows=[rows for _r, rows in batch],
        )
        for _, outcome in written:
            report.count(outcome)
    report.seconds["write"] += time.perf_counter() - started
