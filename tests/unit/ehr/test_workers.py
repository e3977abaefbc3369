"""The ordered, bounded map over worker processes that import jobs use."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest

from gateway.ingest import process_pool
from gateway.ingest.ehr.workers import ordered_map

pytestmark = pytest.mark.unit


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_come_back_in_input_order_from_other_processes() -> None:
    results = list(ordered_map(_square_and_pid, range(12), workers=2, in_flight=3))
    assert [(n, square) for n, (square, _pid) in results] == [(n, n * n) for n in range(12)]
    assert {pid for _n, (_square, pid) in results} - {os.getpid()}


def test_no_workers_runs_everything_in_this_process() -> None:
    results = list(ordered_map(_square_and_pid, range(3), workers=0))
    assert {pid for _n, (_square, pid) in results} == {os.getpid()}


def test_a_daemonic_process_runs_everything_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    class Daemonic:
        daemon = True

    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a daemonic process may not start worker processes")

    monkeypatch.setattr(multiprocessing, "current_process", lambda: Daemonic())
    monkeypatch.setattr(process_pool, "ProcessPoolExecutor", no_pool)
    results = list(ordered_map(_square_and_pid, range(3), workers=2))
    assert [square for _n, (square, _pid) in results] == [0, 1, 4]
