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


@contextmanager
def batch_collector() -> Iterator[None]:
    """:func:`tune_for_batches` while the block runs; the previous setting afterwards."""
    threshold = gc.get_threshold()
    tune_for_batches()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
