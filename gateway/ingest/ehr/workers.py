"""CPU-bound stages of an import on worker processes: ordered, with bounded work in flight.

The job's process keeps everything that touches the database (matching, de-duplication,
Provenance, the write); workers get chunks of input and return plain data. At most
``in_flight`` chunks are submitted and not yet consumed, so memory does not grow with the
input, and results come back in input order. Workers are forked from a ``forkserver``
(not from the job's process, which may run threads: a fork could copy a held lock).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from gateway.collector import tune_for_batches

In = TypeVar("In")
Out = TypeVar("Out")

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
    """``(chunk, fn(chunk))`` in input order; ``workers == 0`` runs ``fn`` in this process.

    So does a daemonic process (a Celery prefork worker, say): it may not start children.
    """
    if workers <= 0 or multiprocessing.current_process().daemon:
        for chunk in chunks:
            yield chunk, fn(chunk)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    limit = in_flight or 2 * workers
    pending: deque[tuple[In, Future[Out]]] = deque()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_freeze_imports)
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(fn, chunk)))
            if len(pending) >= limit:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
