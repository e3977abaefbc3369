"""Where an EHR import's CPU goes: each stage's CPU time in one instrumented in-process run.

Used by ``bench/ehr_bench.py`` (the ``split`` mode). The job runs with ``workers=0`` so every
stage runs in this process and ``time.process_time`` sees it; each stage is one function
wrapped with a timer (about a microsecond per call of overhead). Stages marked ``worker`` run
on the worker processes in a normal import; the others run in the job's process.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

# (label, side, module, attribute): attribute may be "Class.method".
STAGES = (
    ("read JSON", "worker", "gateway.ingest.ehr.checks", "read_line"),
    ("structure + profile check", "worker", "gateway.ingest.ehr.checks", "resource_problems"),
    ("index rows (extract)", "worker", "gateway.ingest.ehr.checks", "prepared_rows"),
    ("chunk results -> items", "job", "gateway.ingest.ehr.importer", "_ndjson_batch"),
    ("match patients", "job", "gateway.ingest.ehr.pipeline", "Pipeline._link_patients"),
    ("dedupe: identity keys", "job", "gateway.ingest.ehr.pipeline", "Pipeline._keys"),
    ("dedupe: key lookups", "job", "gateway.ingest.ehr.identity", "IdentityMap.prefetch"),
    ("place: ids, references, index fix", "job", "gateway.ingest.ehr.pipeline", "Pipeline._place"),
    ("dedupe: new keys", "job", "gateway.ingest.ehr.identity", "IdentityMap.flush"),
    ("store: owners, upsert_many, links", "job", "gateway.ingest.ehr.pipeline", "Pipeline._store"),
    ("Provenance", "job", "gateway.ingest.ehr.pipeline", "Pipeline._provenance"),
    ("job rows (checkpoint)", "job", "gateway.jobs.store", "checkpoint"),
)


def instrument() -> dict[str, float]:
    """Wrap every stage with a CPU timer; the counter they add to (seconds per label)."""
    from importlib import import_module

    spent: dict[str, float] = defaultdict(float)
    for label, _side, module, attribute in STAGES:
        owner: Any = import_module(module)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, name, _timed(getattr(owner, name), label, spent))
    return spent


def _timed(fn: Callable[..., Any], label: str, spent: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return timed


def report(spent: dict[str, float], total_cpu: float, resources: int) -> list[str]:
    """Lines of the split: CPU microseconds per resource and share of the run's CPU."""
    lines = []
    for label, side, _module, _attribute in STAGES:
        lines.append(_line(side, label, spent[label], total_cpu, resources))
    rest = total_cpu - sum(spent.values())
    lines.append(_line("job", "other: reading, commits, job set-up", rest, total_cpu, resources))
    return lines


def _line(side: str, label: str, seconds: float, total: float, resources: int) -> str:
    return (
        f"  {side:<6} {label:<38} {seconds / resources * 1e6:6.0f} us/res"
        f" {100 * seconds / total:5.1f} %"
    )
