"""The collector modes of batch work: tuned thresholds, or collection between batches only."""

from __future__ import annotations

import gc
import weakref

import pytest

from gateway.collector import BATCH_THRESHOLD, EveryNthBatch, batch_collector, between_batches

pytestmark = pytest.mark.unit


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _dropped_cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_per_batch_collects_only_between_batches_and_restores_the_collector() -> None:
    before = gc.get_threshold()
    with batch_collector(per_batch=True):
        assert not gc.isenabled()
        cycle = _dropped_cycle()
        alive = [_Node() for _ in range(120_000)]  # past every threshold: no collection runs
        assert cycle() is not None
        del alive
        between_batches()
        assert cycle() is None
    assert gc.isenabled()
    assert gc.get_threshold() == before


def test_every_nth_batch_collects_on_the_nth_batch_only() -> None:
    with batch_collector(per_batch=True):
        collections = EveryNthBatch(3)
        for _round in range(2):  # the count starts again after each collection
            cycle = _dropped_cycle()
            collections.batch_done()
            collections.batch_done()
            assert cycle() is not None
            collections.batch_done()
            assert cycle() is None


def test_tuned_mode_keeps_collecting_on_its_own() -> None:
    with batch_collector():
        assert gc.isenabled()
        assert gc.get_threshold() == BATCH_THRESHOLD
