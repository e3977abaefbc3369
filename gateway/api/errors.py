"""Render every error under /fhir as an OperationOutcome, once (DESIGN D5).

Unknown exceptions roll back the request's connection, are logged with a correlation id and
answer a generic 500 that names only that id: no exception text, SQL or stack trace leaks.
"""

from __future__ import annotations

import logging

import orjson
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from gateway.api.logs import correlation_id
from gateway.errors import (
    FhirError,
    MethodNotAllowed,
    NotFound,
    ServerError,
    TooLarge,
    operation_outcome,
)
from gateway.fhir import FHIR_JSON
from gateway.state import GatewayState

LOG = logging.getLogger("gateway.errors")

_HTTP_ISSUE = {
    400: ("invalid", "bad-request"),
    401: ("login", "unauthorized"),
    403: ("forbidden", "forbidden"),
    406: ("not-supported", "not-acceptable"),
    415: ("not-supported", "unsupported-media-type"),
}


def init_app(app: Flask, state: GatewayState) -> None:
    """Register the handlers for our errors, HTTP errors and anything unexpected."""
    app.register_error_handler(FhirError, render_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def render_error(error: FhirError) -> Response:
    """The OperationOutcome response for one of our errors."""
    response = Response(orjson.dumps(error.outcome()), status=error.status, content_type=FHIR_JSON)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 404:
        return render_error(NotFound("no such URL on this server"))
    if status == 405:
        allowed = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
        return render_error(
            MethodNotAllowed(
                f"method {request.method} is not allowed here", headers={"Allow": allowed}
            )
        )
    if status == 413:
        return render_error(TooLarge("the request body is larger than this server accepts"))
    issue_type, code = _HTTP_ISSUE.get(status, ("processing", "http-error"))
    body = operation_outcome(issue_type, code, error.name)
    return Response(orjson.dumps(body), status=status, content_type=FHIR_JSON)


def _unexpected(error: Exception) -> Response:
    cid = correlation_id()
    conn = g.get("db")
    if conn is not None:
        try:
            conn.rollback()
        except Exception:
            conn.invalidate()
    LOG.error("unhandled error", exc_info=error, extra={"correlation_id": cid})
    return render_error(ServerError(f"internal error; correlation id {cid}"))
