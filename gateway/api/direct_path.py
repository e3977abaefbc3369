"""Reads by id and type-level searches answered straight from WSGI, before Flask (ADR 0005).

``GET /fhir/<type>/<id>`` and ``GET /fhir/<type>?...`` are the most frequent requests of the
Patient Access and Provider Directory APIs. Flask's request context, URL routing, hooks and
response object cost more than everything a read does (bench/README.md), so this middleware
answers those two request shapes itself, with the functions the Flask views use: the token
check (:func:`auth.tokens.verify`; for a read, its lookup shares one statement with the
resource's, :mod:`gateway.store.authorized_read`), the interaction (:func:`dispatch.handle`,
:func:`read_fetched`), the audit trail (:func:`record_access`), the query-string parsing of
werkzeug and the CORS headers. It answers
only a success (200, or 304 for a read with a matching ``If-None-Match``); anything else (a
refused token, 400, 404, 410, a database error, ``_format``, the first request of a forked
worker) is passed to the Flask app unchanged, which then answers exactly as before.
``tests/integration/rest/test_direct_path.py`` checks that both paths answer byte for byte
the same.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" codec error handler
from flask import Flask
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MultiDict
from werkzeug.http import remove_entity_headers

from auth.context import AccessContext
from auth.flask_app import fhir_cors_headers
from auth.tokens import InvalidToken, context_of, token_hash_of, verify
from gateway.api.audit_trail import record_access
from gateway.api.fhir import request_headers
from gateway.api.logs import LOG, new_correlation_id
from gateway.api.negotiation import accepts_json
from gateway.audit.buffer import AuditBuffer
from gateway.errors import FhirError
from gateway.interactions import dispatch
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.interactions.read import read_fetched
from gateway.state import GatewayState
from gateway.store.authorized_read import token_and_resource
from gateway.store.engine import request_connection

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# The Flask routes' shapes; an id outside FHIR's [A-Za-z0-9\-\.]{1,64} goes to Flask (404).
_PATH = re.compile(r"/fhir/([A-Z][A-Za-z]{1,63})(?:/([A-Za-z0-9\-.]{1,64}))?\Z")
# A Flask rule naming a type literally (``/fhir/AuditEvent``) keeps that type's requests.
_CLAIMED = re.compile(r"/fhir/([A-Z][A-Za-z]*)(?:/|\Z)")
_ROUTES = {"read": "/fhir/<rtype>/<rid>", "search-type": "/fhir/<rtype>"}
_STATUS = {200: "200 OK", 304: "304 NOT MODIFIED"}
_ANONYMOUS = AccessContext.anonymous()
Answer = tuple[str, list[tuple[str, str]], bytes]


class DirectPath:
    """WSGI middleware: reads by id and type searches here, every other request to Flask."""

    def __init__(
        self,
        flask_app: WsgiApp,
        state: GatewayState,
        audit: AuditBuffer,
        claimed: frozenset[str] = frozenset(),
    ) -> None:
        self.flask_app = flask_app
        self.claimed = claimed  # types with Flask routes of their own (AuditEvent)
        self.state = state
        self.audit = audit
        self.base_url = state.base_url
        self._local = threading.local()
        self._opened: list[Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()  # the process that built the app (gunicorn's master)
        self._db_errors = (DBAPIError, state.engine.dialect.loaded_dbapi.Error)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ["REQUEST_METHOD"] == "GET" and self._pid == os.getpid():
            match = _PATH.match(environ.get("PATH_INFO", ""))
            answer = self._answer(environ, match[1], match[2]) if match else None
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return (body,)
        # The first request of a forked worker takes the full path, so Flask's once-per-process
        # hooks (resuming EHR jobs) run in every worker.
        self._pid = os.getpid()
        return self.flask_app(environ, start_response)

    def _answer(self, environ: dict[str, Any], rtype: str, rid: str | None) -> Answer | None:
        """Status, headers and body of a success, or ``None`` to let Flask answer."""
        query = environ.get("QUERY_STRING", "")
        if rtype in self.claimed or (rid and query) or "_format" in query:
            return None
        if not accepts_json(environ.get("HTTP_ACCEPT")):
            return None
        interaction: dispatch.Interaction = "read" if rid else "search-type"
        conn = self._connection()
        try:
            try:
                result, ctx = self._run(conn, environ, interaction, rtype, rid)
            finally:
                if conn.in_transaction():  # a visibility query began one (SQLite)
                    conn.rollback()
        except (FhirError, InvalidToken):
            return None
        except Exception:
            # A broken connection or a bug: Flask answers it (a 500 naming a correlation id,
            # logged), and this connection is dropped, not trusted again.
            self._discard(conn)
            return None
        if result.status not in _STATUS:
            return None
        record_access(self.audit, conn, ctx, interaction, rtype, result.resource_ids, "success")
        headers = self._headers(environ, result, interaction)
        return _STATUS[result.status], headers, result.body or b""

    def _run(
        self,
        conn: Connection,
        environ: dict[str, Any],
        interaction: dispatch.Interaction,
        rtype: str,
        rid: str | None,
    ) -> tuple[FhirResponse, AccessContext]:
        request = FhirRequest(
            method="GET",
            base_url=self.base_url,
            resource_type=rtype,
            resource_id=rid,
            params=_params(environ.get("QUERY_STRING", "")),
            headers=request_headers(environ),
        )
        authorization = environ.get("HTTP_AUTHORIZATION")
        if authorization is None:
            ctx = _ANONYMOUS
        elif rid is not None:  # the token and the resource in one round trip
            token_hash = token_hash_of(authorization)
            row, stored = token_and_resource(conn, token_hash, rtype, rid)
            ctx = context_of(row, token_hash, self.base_url)
            return read_fetched(request, ctx, conn, stored), ctx
        else:
            ctx = verify(conn, authorization, self.base_url)
        return dispatch.handle(interaction, request, ctx, conn, self.state.settings), ctx

    def _headers(
        self, environ: dict[str, Any], result: FhirResponse, interaction: str
    ) -> list[tuple[str, str]]:
        headers = [("Content-Type", result.content_type)] if result.status == 200 else []
        if result.body:
            headers.append(("Content-Length", str(len(result.body))))
        headers += result.headers.items()
        if result.status == 304:
            remove_entity_headers(headers)  # as werkzeug does for the Flask view's 304
        origin = environ.get("HTTP_ORIGIN")
        if origin:
            headers += fhir_cors_headers(origin, "GET")
        cid = new_correlation_id()
        headers.append(("X-Request-Id", cid))
        if LOG.isEnabledFor(logging.DEBUG):
            extra = {"correlation_id": cid, "method": "GET", "route": _ROUTES[interaction]}
            LOG.debug("request", extra={**extra, "status": result.status})
        return headers

    def _connection(self) -> Connection:
        """This thread's connection, kept across requests (ADR 0005)."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = request_connection(self.state.engine)
            with self._lock:
                self._opened.append(conn)
        return conn

    def _discard(self, conn: Connection) -> None:
        self._local.conn = None
        with self._lock:
            self._opened.remove(conn)
        try:
            conn.invalidate()
        except self._db_errors:
            LOG.warning("could not close a broken database connection")

    def close(self) -> None:
        """Return every thread's connection (tests, and an orderly shutdown)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()


def _params(query: str) -> tuple[tuple[str, str], ...]:
    """The query parameters exactly as Flask's ``request.args.items(multi=True)`` gives them."""
    if not query:
        return ()
    text = query.encode("latin-1").decode()
    pairs = parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    return tuple(MultiDict(pairs).items(multi=True))


def init_app(app: Flask, state: GatewayState) -> None:
    """Put the direct path in front of the Flask app (after every other module's setup)."""
    claimed = frozenset(
        match[1] for rule in app.url_map.iter_rules() if (match := _CLAIMED.match(rule.rule))
    )
    direct = DirectPath(app.wsgi_app, state, app.extensions["audit_buffer"], claimed)
    app.extensions["direct_path"] = direct
    app.wsgi_app = direct  # type: ignore[method-assign]
