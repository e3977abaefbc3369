"""The import job's worker processes: how many, and what each starts with.

The job's process keeps everything that touches the database (matching, de-duplication,
Provenance, the write); workers check and index chunks of input
(:func:`gateway.ingest.process_pool.ordered_map`). They are forked from a ``forkserver``
(not from the job's process, which may run threads: a fork could copy a held lock).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from gateway.collector import tune_for_batches
from gateway.ingest import process_pool
from gateway.ingest.process_pool import In, Out

# Imported once by the fork server, so each worker starts with the FHIR models loaded.
PRELOAD = ["gateway.ingest.ehr.importer"]


def default_workers() -> int:
    """Worker processes for an import: one per core the process may use, at most 4."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


def _freeze_imports() -> None:
    """In a new worker: keep the preloaded modules and models out of garbage collections."""
    tune_for_batches()


def ordered_map(
    fn: Callable[[In], Out], chunks: Iterable[In], workers: int, in_flight: int | None = None
) -> Iterator[tuple[In, Out]]:
    """``(chunk, fn(chunk))`` in input order, on forkserver workers with the models loaded."""
    return process_pool.ordered_map(
        fn, chunks, workers, in_flight, preload=PRELOAD, initializer=_freeze_imports
    )
