"""The ``ehr-import`` job: files -> batches -> pipeline, one transaction and checkpoint each.

The cursor (file index, last line) commits with its batch, so a restarted job resumes after
the last committed batch and never applies a batch twice or half (DESIGN D10).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import Engine

from gateway.ingest.ehr.batch import Item
from gateway.ingest.ehr.checks import LineCheck, check_lines
from gateway.ingest.ehr.members import MemberDirectory
from gateway.ingest.ehr.pipeline import Pipeline
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.sources import Chunk, bundle_items, chunks, expand
from gateway.ingest.ehr.workers import default_workers, ordered_map
from gateway.jobs import store
from gateway.jobs.store import Job, JobIssue

KIND = "ehr-import"
BATCH_SIZE = 500
PARALLEL_FROM_BYTES = 2_000_000
Progress = Callable[[int], None]


def kick_off(
    engine: Engine,
    paths: list[str],
    source: SourceInfo,
    *,
    spooled: bool = False,
    workers: int | None = None,
) -> str:
    """Queue an import of ``paths`` for ``source``; spooled uploads are removed when done.

    ``workers``: processes that check and index the lines (0: none, all in the job's process;
    default: one per core, none for inputs under ``PARALLEL_FROM_BYTES``).
    """
    if workers is not None and workers < 0:
        raise ValueError("workers must be 0 or more")
    params: dict[str, Any] = {
        "paths": [str(Path(p).resolve()) for p in paths],
        "source": source.name,
        "organization": source.organization,
        "spooled": spooled,
    }
    if workers is not None:
        params["workers"] = workers
    with engine.begin() as conn:
        return store.create(conn, KIND, params)


def run_import(engine: Engine, job: Job, progress: Progress | None = None) -> dict[str, int]:
    """Import every file of the job from its cursor on; the final counts.

    Reading and checking run on worker processes (:mod:`gateway.ingest.ehr.workers`) a few
    chunks ahead; each chunk is then one batch here, one transaction with its checkpoint.
    """
    params = job.params
    run = _Run(engine, job, SourceInfo(params["source"], params.get("organization")), progress)
    files = expand(params["paths"])
    cursor = job.cursor or {"file": 0, "line": 0}
    start = (int(cursor["file"]), int(cursor["line"]))
    size = int(params.get("batch_size", BATCH_SIZE))
    workers = int(params.get("workers", _workers(files)))
    for chunk, checks in ordered_map(_check_chunk, chunks(files, start, size), workers):
        path = files[chunk.file]
        if chunk.lines:
            run.batch(chunk.file, *_ndjson_batch(path.name, chunk, checks))
            continue
        if path.suffix == ".json":
            for batch in _bundle_batch(path, start[1] if chunk.file == start[0] else 0):
                run.batch(chunk.file, *batch)
        run.checkpoint({"file": chunk.file + 1, "line": 0})
    if params.get("spooled"):
        for path in files:
            path.unlink(missing_ok=True)
    return dict(run.counts)


class _Run:
    """The job's state between batches: its engine, counts and member directory."""

    def __init__(
        self, engine: Engine, job: Job, source: SourceInfo, progress: Progress | None
    ) -> None:
        self.engine, self.job_id, self.source, self.progress = engine, job.id, source, progress
        self.counts: Counter[str] = Counter(job.counts)
        self.members = MemberDirectory()

    def batch(self, file: int, items: list[Item], issues: list[JobIssue], last: int) -> None:
        """Run one batch and record its counts, issues and cursor in one transaction."""
        with self.engine.begin() as conn:
            report = Pipeline(conn, self.source, self.members).run(items)
            found = sorted([*issues, *report.issues], key=lambda i: (i.file, i.line))
            self.counts.update(report.counts)
            self.counts["errors"] += len(issues)
            self.counts["read"] += len(items) + len(issues)
            store.add_issues(conn, self.job_id, found)
            store.checkpoint(conn, self.job_id, {"file": file, "line": last}, self.counts)
        if self.progress:
            self.progress(len(items) + len(issues))

    def checkpoint(self, cursor: dict[str, int]) -> None:
        """Record a cursor between batches (the end of a file)."""
        with self.engine.begin() as conn:
            store.checkpoint(conn, self.job_id, cursor, self.counts)


def _workers(files: list[Path]) -> int:
    """Worker processes: none for small inputs (starting them costs more than they save)."""
    size = sum(p.stat().st_size for p in files if p.exists())
    return default_workers() if size >= PARALLEL_FROM_BYTES else 0


def _check_chunk(chunk: Chunk) -> list[LineCheck]:
    """Read and check a chunk's lines (in a worker process)."""
    return check_lines(chunk.lines)


def _ndjson_batch(
    name: str, chunk: Chunk, checks: list[LineCheck]
) -> tuple[list[Item], list[JobIssue], int]:
    """A checked chunk as a batch: items, the lines that could not be read, the last line."""
    items: list[Item] = []
    issues: list[JobIssue] = []
    for (number, raw), check in zip(chunk.lines, checks, strict=True):
        if check.error is not None:
            issues.append(JobIssue(name, number, "error", check.error))
        else:
            rows = check.index_rows()
            resource = orjson.loads(raw)
            items.append(Item(name, number, resource, check.problems, rows, check.references))
    return items, issues, chunk.lines[-1][0]


def _bundle_batch(path: Path, after: int) -> Iterator[tuple[list[Item], list[JobIssue], int]]:
    """A Bundle file is one batch (one transaction); ``after`` > 0 means it was done."""
    if after > 0:
        return
    try:
        bundle: Any = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        yield [], [JobIssue(path.name, 0, "error", "not valid JSON")], 1
        return
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        if isinstance(bundle, dict) and bundle.get("resourceType"):
            yield [Item(path.name, 1, bundle)], [], 1
        else:
            yield [], [JobIssue(path.name, 0, "error", "neither a Bundle nor a resource")], 1
        return
    yield bundle_items(bundle, path.name), [], 1
