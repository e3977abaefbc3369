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

from flask import Flask, Response, request

QUERY = "SELECT body FROM resource WHERE res_type = {p} AND res_id = {p} AND NOT deleted"
# One indexed query: a patient's ExplanationOfBenefit rows through the reference index.
SEARCH = (
    "SELECT res_id, body FROM resource WHERE rid IN (SELECT rid FROM search_reference"
    " WHERE res_type = 'ExplanationOfBenefit' AND param = 'patient' AND target_id = {p})"
    " AND NOT deleted ORDER BY rid LIMIT 20"
)


class Store:
    """One DB-API connection per process and the single read query."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pid = 0
        self.conn: Any = None
        self.sql = ""
        self.search_sql = ""

    def _connect(self) -> None:
        if self.url.startswith("sqlite"):
            self.conn = sqlite3.connect(self.url.split("///", 1)[1], check_same_thread=False)
            self.sql = QUERY.format(p="?")
            self.search_sql = SEARCH.format(p="?")
        else:
            import psycopg

            parts = urlsplit(self.url.replace("postgresql+psycopg", "postgresql"))
            self.conn = psycopg.connect(parts.geturl(), autocommit=True)
            self.sql = QUERY.format(p="%s")
            self.search_sql = SEARCH.format(p="%s")
        self.pid = os.getpid()

    def body(self, rtype: str, rid: str) -> bytes | None:
        """The stored body, or ``None``."""
        if self.pid != os.getpid():
            self._connect()
        row = self.conn.execute(self.sql, (rtype, rid)).fetchone()
        return bytes(row[0]) if row else None

    def search(self, patient_id: str) -> list[tuple[str, bytes]]:
        """(id, body) of a patient's ExplanationOfBenefits, at most 20."""
        if self.pid != os.getpid():
            self._connect()
        return [(r[0], bytes(r[1])) for r in self.conn.execute(self.search_sql, (patient_id,))]

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

    @app.get("/fhir/ExplanationOfBenefit")
    def search() -> Response:
        patient = request.args.get("patient", "").removeprefix("Patient/")
        base = request.host_url.encode() + b"fhir/ExplanationOfBenefit/"
        entries = b",".join(
            b'{"fullUrl":"%s%s","resource":%s,"search":{"mode":"match"}}'
            % (base, rid.encode(), body)
            for rid, body in store.search(patient)
        )
        bundle = b'{"resourceType":"Bundle","type":"searchset","entry":[' + entries + b"]}"
        return Response(bundle, 200, content_type="application/fhir+json")

    return app


app = create_app(os.environ.get("BENCH_DATABASE_URL", "sqlite:///bench/out/read.db"))
