"""Audit rows of reads, appended in batches by a background thread.

A synchronous commit per read would cost about a third of the read (docs/auth.md), so each
worker process buffers read-audit rows and inserts them in one transaction every
``max_delay`` seconds or ``max_rows`` rows, whichever comes first, and at exit. What a crash
can lose is bounded by that window, and the loss is logged if a flush fails. Writes do not use
the buffer: their row is recorded after the write commits, synchronously.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from gateway.audit.tables import audit_event

LOG = logging.getLogger("gateway.audit")
MAX_PENDING = 100_000  # rows kept across failed flushes before the oldest are dropped


class AuditBuffer:
    """A per-process queue of audit rows flushed by a daemon thread."""

    def __init__(self, engine: Engine, max_rows: int = 200, max_delay: float = 0.2) -> None:
        self.engine = engine
        self.max_rows = max_rows
        self.max_delay = max_delay
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        atexit.register(self.close)

    def add(self, values: dict[str, Any]) -> None:
        """Queue one row; starts this process's flusher on first use (after a fork too)."""
        with self._lock:
            self._rows.append(values)
            full = len(self._rows) >= self.max_rows
            if self._pid != os.getpid() and not self._closed:
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="audit-flush", daemon=True)
                self._thread.start()
        if full:
            self._wake.set()

    def flush(self) -> int:
        """Insert every queued row in one transaction; the number of rows written."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(audit_event), rows)
        except Exception:
            with self._lock:
                self._rows[:0] = rows[-MAX_PENDING:]
            LOG.error("audit flush failed; %d audit rows kept for the next attempt", len(rows))
            return 0
        return len(rows)

    def close(self) -> None:
        """Stop this process's flusher and write what is queued (at exit, in tests)."""
        self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            thread.join(timeout=5)
        self.flush()

    def _run(self) -> None:
        pid = os.getpid()
        while pid == os.getpid() and not self._closed:
            self._wake.wait(self.max_delay)
            self._wake.clear()
            self.flush()
