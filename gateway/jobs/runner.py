"""Run jobs: by id in the foreground (CLI, tests) or on a worker thread (embedded default).

A job kind maps to a handler ``run(engine, job, progress) -> counts``; handlers checkpoint
their own batches. At scale the same handlers run on Celery workers (DESIGN D10).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from importlib import import_module
from typing import Any

from sqlalchemy.engine import Engine

from gateway.collector import batch_collector
from gateway.jobs import store
from gateway.jobs.store import Job

LOG = logging.getLogger("gateway.jobs")

# Job kind -> "module:function" of its handler.
HANDLERS: dict[str, str] = {"ehr-import": "gateway.ingest.ehr.importer:run_import"}
Progress = Callable[[int], None]


def handler(kind: str) -> Callable[..., dict[str, int]]:
    """The handler function of a job kind."""
    module, _, name = HANDLERS[kind].partition(":")
    found: Callable[..., dict[str, int]] = getattr(import_module(module), name)
    return found


def run_job(engine: Engine, job_id: str, progress: Progress | None = None) -> Job | None:
    """Claim and run one queued job to the end; the job as it finished (``None`` if taken)."""
    with engine.begin() as conn:
        if not store.claim(conn, job_id):
            return None
        job = store.get(conn, job_id)
    assert job is not None
    try:
        with batch_collector():
            counts = handler(job.kind)(engine, job, progress)
    except Exception:
        correlation = uuid.uuid4().hex[:12]
        LOG.exception("job %s failed (correlation id %s)", job_id, correlation)
        with engine.begin() as conn:
            store.fail(conn, job_id, f"internal error; correlation id {correlation}")
    else:
        with engine.begin() as conn:
            store.finish(conn, job_id, counts)
    with engine.connect() as conn:
        return store.get(conn, job_id)


def run_pending(engine: Engine) -> int:
    """Recover interrupted jobs, then run every queued one; how many ran."""
    with engine.begin() as conn:
        store.recover(conn)
    ran = 0
    while True:
        with engine.connect() as conn:
            job_id = store.next_queued(conn)
        if job_id is None:
            return ran
        if run_job(engine, job_id) is not None:
            ran += 1


class JobWorker:
    """A daemon thread running queued jobs (the embedded default); it ends when idle.

    ``notify`` starts it: on kick-off and on the process's first request, so jobs a dead
    process left running are recovered after a restart. It keeps polling while some job is
    running elsewhere or interrupted (it may need resuming), and exits when none is left.
    """

    def __init__(self, engine: Engine, poll_seconds: float = 2.0) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def notify(self) -> None:
        """Start the thread if needed and wake it: a job was queued."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after the current job, and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                run_pending(self.engine)
                with self.engine.connect() as conn:
                    if not store.unfinished(conn):
                        return
            except Exception:  # the loop must survive a database hiccup
                LOG.exception("job worker pass failed")
            self._wake.wait(self.poll_seconds)


def describe(job: Job, issues: list[store.JobIssue]) -> dict[str, Any]:
    """The status document of a job (admin JSON, not FHIR)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "attempts": job.attempts,
        "counts": job.counts,
        "error": job.error,
        "created": job.created.isoformat(),
        "updated": job.updated.isoformat(),
        "issues": [
            {"file": i.file, "line": i.line, "severity": i.severity, "message": i.message}
            for i in issues
        ],
    }
