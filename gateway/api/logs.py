"""Structured, PHI-safe request logging with a correlation id per request (STYLE rule 14).

Only the method, the route template (never the query string or ids), status and duration are
logged; tokens are never logged (the auth area logs a token hash when it must).
"""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, Response, g, request

from gateway.state import GatewayState

LOG = logging.getLogger("gateway.request")


def init_app(app: Flask, state: GatewayState) -> None:
    """Configure the log level and register the per-request correlation id and access log."""
    logging.getLogger("gateway").setLevel(state.settings["LOG_LEVEL"])

    @app.before_request
    def _start() -> None:
        g.correlation_id = uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("correlation_id", "")
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug(
                "request",
                extra={
                    "correlation_id": g.get("correlation_id"),
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else "<unmatched>",
                    "status": response.status_code,
                    "ms": round(
                        (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2
                    ),
                },
            )
        return response


def correlation_id() -> str:
    """The current request's correlation id."""
    cid: str = g.get("correlation_id") or uuid.uuid4().hex
    return cid
