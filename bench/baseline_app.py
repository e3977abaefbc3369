"""The baseline: bare Flask returning the stored bytes by key, one query, no gateway code.

Run by ``bench/read_bench.py`` under gunicorn with the gateway's own worker settings
(``gunicorn -c gunicorn.conf.py bench.baseline_app:app``); the database is ``BENCH_DATABASE_URL``
(the same file or PostgreSQL database the gateway serves). Raw sqlite3 / psycopg, one connection
per worker process, opened after the fork.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response

QUERY = "SELECT body FROM resource WHERE res_type = {p} AND res_id = {p} AND NOT deleted"


class Store:
    """One DB-API connection per process and the single read query."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pid = 0
        self.conn: Any = None
        self.sql = ""

    def _connect(self) -> None:
        if self.url.startswith("sqlite"):
            self.conn = sqlite3.connect(self.url.split("///", 1)[1], check_same_thread=False)
            self.sql = QUERY.format(p="?")
        else:
            import psycopg

            parts = urlsplit(self.url.replace("postgresql+psycopg", "postgresql"))
            self.conn = psycopg.connect(parts.geturl(), autocommit=True)
            self.sql = QUERY.format(p="%s")
        self.pid = os.getpid()

    def body(self, rtype: str, rid: str) -> bytes | None:
        """The stored body, or ``None``."""
        if self.pid != os.getpid():
            self._connect()
        row = self.conn.execute(self.sql, (rtype, rid)).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        """Close this process's connection (tests; gunicorn workers just exit)."""
        if self.conn is not None and self.pid == os.getpid():
            self.conn.close()
        self.conn = None
        self.pid = 0


def create_app(url: str) -> Flask:
    """The baseline application on ``url``."""
    app = Flask(__name__)
    store = Store(url)
    app.extensions["bench_store"] = store

    @app.get("/fhir/<rtype>/<rid>")
    def read(rtype: str, rid: str) -> Response:
        body = store.body(rtype, rid)
        if body is None:
            return Response(b'{"resourceType":"OperationOutcome"}', 404)
        return Response(body, 200, content_type="application/fhir+json")

    return app


app = create_app(os.environ.get("BENCH_DATABASE_URL", "sqlite:///bench/out/read.db"))
