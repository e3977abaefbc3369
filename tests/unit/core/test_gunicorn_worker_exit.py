"""gunicorn.conf.py's worker_exit: a recycled worker writes its audit rows, then leaves at once."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _conf() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Closing:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def close(self) -> None:
        self.marker.write_text("closed")


def _worker(pid: int, nr: int, max_requests: int, marker: Path) -> Any:
    extensions = {"audit_buffer": _Closing(marker)}
    return SimpleNamespace(
        pid=pid, nr=nr, max_requests=max_requests, wsgi=SimpleNamespace(extensions=extensions)
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_recycled_worker_flushes_then_exits_at_once(tmp_path: Path) -> None:
    marker = tmp_path / "audit"
    child = os.fork()
    if child == 0:  # the worker: the hook must end this process itself
        try:
            _conf().worker_exit(None, _worker(os.getpid(), 500, 500, marker))
        finally:
            os._exit(3)  # reached only if the hook returned
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert marker.read_text() == "closed"


def test_other_exits_keep_gunicorns_own_path(tmp_path: Path) -> None:
    marker = tmp_path / "audit"
    conf = _conf()
    # Shut down before max_requests (SIGTERM, an error): the normal interpreter exit follows.
    conf.worker_exit(None, _worker(os.getpid(), 10, 500, marker))
    # The master calls the hook for a worker that already vanished: never exit the master.
    conf.worker_exit(None, _worker(os.getpid() + 1, 900, 500, marker))
    assert not marker.exists()  # and this process is still here to check it
