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

from gateway.ingest.ehr.members import MemberDirectory
from gateway.ingest.ehr.pipeline import Item, Pipeline
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.sources import bundle_items, expand, read_ndjson
from gateway.jobs import store
from gateway.jobs.store import Job, JobIssue

KIND = "ehr-import"
BATCH_SIZE = 500
Progress = Callable[[int], None]


def kick_off(engine: Engine, paths: list[str], source: SourceInfo, *, spooled: bool = False) -> str:
    """Queue an import of ``paths`` for ``source``; spooled uploads are removed when done."""
    params = {
        "paths": [str(Path(p).resolve()) for p in paths],
        "source": source.name,
        "organization": source.organization,
        "spooled": spooled,
    }
    with engine.begin() as conn:
        return store.create(conn, KIND, params)


def run_import(engine: Engine, job: Job, progress: Progress | None = None) -> dict[str, int]:
    """Import every file of the job from its cursor on; the final counts."""
    params = job.params
    source = SourceInfo(params["source"], params.get("organization"))
    files = expand(params["paths"])
    cursor = job.cursor or {"file": 0, "line": 0}
    counts: Counter[str] = Counter(job.counts)
    members = MemberDirectory()
    batch_size = int(params.get("batch_size", BATCH_SIZE))
    for index in range(int(cursor["file"]), len(files)):
        after = int(cursor["line"]) if index == int(cursor["file"]) else 0
        for batch, issues, last in _batches(files[index], after, batch_size):
            with engine.begin() as conn:
                report = Pipeline(conn, source, members).run(batch)
                found = sorted([*issues, *report.issues], key=lambda i: (i.file, i.line))
                counts.update(report.counts)
                counts["errors"] += len(issues)
                counts["read"] += len(batch) + len(issues)
                store.add_issues(conn, job.id, found)
                store.checkpoint(conn, job.id, {"file": index, "line": last}, counts)
            if progress:
                progress(len(batch) + len(issues))
        with engine.begin() as conn:
            store.checkpoint(conn, job.id, {"file": index + 1, "line": 0}, counts)
    if params.get("spooled"):
        for path in files:
            path.unlink(missing_ok=True)
    return dict(counts)


def _batches(path: Path, after: int, size: int) -> Iterator[tuple[list[Item], list[JobIssue], int]]:
    """Batches of items with the read errors among them and the last line they cover."""
    if path.suffix == ".json":
        yield from _bundle_batch(path, after)
        return
    items: list[Item] = []
    issues: list[JobIssue] = []
    last = after
    for line in read_ndjson(path, after):
        last = line.number
        if line.resource is None:
            issues.append(JobIssue(path.name, line.number, "error", line.error or "unreadable"))
        else:
            items.append(Item(path.name, line.number, line.resource))
        if len(items) + len(issues) >= size:
            yield items, issues, last
            items, issues = [], []
    if items or issues:
        yield items, issues, last


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
