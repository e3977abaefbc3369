"""gunicorn settings for the gateway (``gunicorn -c gunicorn.conf.py wsgi:app``).

https://docs.gunicorn.org/en/stable/settings.html. Command-line flags override these values;
``GUNICORN_BIND``, ``WEB_CONCURRENCY`` and ``GUNICORN_ACCESS_LOG`` override them from the
environment. Sync workers: the shared PERFORMANCE.md measured 3-6x worse p99 latency with
``gthread`` at 8 clients on this kind of machine.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8080")
# One worker per core plus one: requests are short and CPU-bound (the Python path is the cost).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that runs longer than this is killed and logged; long work runs as jobs (DESIGN D10).
timeout = 30
graceful_timeout = 30
# Sync workers behind a load balancer: keep idle connections briefly.
keepalive = 5
# Load the app once in the master: a bad setting stops the start before any worker forks,
# and workers share the imported code. Each worker opens its own database connections.
preload_app = True
# Recycle workers now and then so that slow leaks cannot grow without bound.
max_requests = 20000
max_requests_jitter = 2000
# Request bodies are capped by GATEWAY_MAX_BODY_BYTES; bound the request line and headers too.
limit_request_line = 8190
limit_request_fields = 100
# Access log without query strings (they can carry identifiers): method, path, status, size, ms.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
proc_name = "fhir-gateway"
# gunicorn >= 25 opens a control socket at one fixed per-user path; several gateways on one host
# (benchmarks, tests) would contend for it, and nothing here uses gunicornc.
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    """Drop pooled connections inherited from the preloading master (SQLAlchemy pooling docs)."""
    state = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("gateway")
    if state is not None:
        state.engine.dispose(close=False)


def worker_exit(server: Any, worker: Any) -> None:
    """Finish a worker's own work, then leave without the interpreter's slow teardown.

    A recycled worker (``max_requests``) otherwise spends about 2 s in Python's finalisation,
    freeing the objects it inherited from the master (every freed page is first copied). While
    both workers of a small host recycle together, nobody accepts requests. The audit rows
    still queued are written and the database connections returned first. Only a worker
    recycled after ``max_requests`` leaves this way (exit status 0); any other exit, and this
    hook when the master calls it for a vanished worker, keeps gunicorn's own path.
    """
    recycled = worker.pid == os.getpid() and worker.nr >= worker.max_requests > 0
    if not recycled:
        return
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", {})
    for name in ("audit_buffer", "direct_path"):
        if name in extensions:
            extensions[name].close()
    if "gateway" in extensions:
        extensions["gateway"].engine.dispose()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
