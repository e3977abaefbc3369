"""The garbage collector tuned for batch work (feed loads, import jobs and their workers).

Batches are trees of dicts freed by reference counting; the collector only needs to find the
rare cycle, so it can run much less often than for an interactive process, and the objects
that predate the work (modules, registries, FHIR model classes) can be frozen out of its full
passes, which would otherwise walk them again and again (bench/README.md: it took about 40 %
of a feed load's CPU). https://docs.python.org/3/library/gc.html#gc.freeze
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BATCH_THRESHOLD = (50_000, 20, 100)  # measured on feed loads (bench/README.md)


def tune_for_batches() -> None:
    """Freeze what is alive now and collect less often, for the rest of this process."""
    gc.freeze()
    gc.set_threshold(*BATCH_THRESHOLD)


def collect_per_batch() -> None:
    """Freeze what is alive now and collect only in :func:`between_batches`, for good.

    For work that calls :func:`between_batches` after every batch (feed loads). Even at the
    thresholds above, the collector kept walking the live batch (a 500-claim batch holds about
    120,000 dicts and lists) and promoting it, about a fifth of a feed load's CPU; between two
    batches almost nothing is alive, so a collection there is cheap, and it still frees the rare
    cycle (an exception's traceback) a batch leaves.
    """
    gc.freeze()
    gc.disable()


def between_batches() -> None:
    """Collect the young generations: the cycles the last batch left, if any."""
    gc.collect(1)


class EveryNthBatch:
    """:func:`between_batches` after every ``every``-th batch, for a process that holds more
    than one batch at a time.

    The writing process of a load with workers holds the next batches, prepared ahead, while it
    writes one: a collection walks all of them (about 13 ms a batch for claims, 0.3 s of a
    plan's load), so it collects only every few batches; the cycles in between wait for it.
    """

    def __init__(self, every: int) -> None:
        self.every = every
        self._count = 0

    def batch_done(self) -> None:
        """Count one batch; collect when it is the ``every``-th since the last collection."""
        self._count += 1
        if self._count >= self.every:
            self._count = 0
            between_batches()


@contextmanager
def batch_collector(*, per_batch: bool = False) -> Iterator[None]:
    """:func:`tune_for_batches` (or, ``per_batch``, :func:`collect_per_batch`) while the block
    runs; the previous setting afterwards.
    """
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    if per_batch:
        collect_per_batch()
    else:
        tune_for_batches()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if enabled:
            gc.enable()
        gc.unfreeze()
