"""Structured, PHI-safe request logging with a correlation id per request (STYLE rule 14).

Only the method, the route template (never the query string or ids), status and correlation
id are logged, at DEBUG (gunicorn writes the access log); tokens are never logged (the auth
area logs a token hash when it must).
"""

from __future__ import annotations

import logging
import os

from flask import Flask, Response, g, request

from gateway.state import GatewayState

LOG = logging.getLogger("gateway.request")


def init_app(app: Flask, state: GatewayState) -> None:
    """Configure the log level and send the correlation id with every response."""
    logging.getLogger("gateway").setLevel(state.settings["LOG_LEVEL"])

    @app.after_request
    def _finish(response: Response) -> Response:
        cid = correlation_id()
        response.headers["X-Request-Id"] = cid
        if LOG.isEnabledFor(logging.DEBUG):
            route = request.url_rule.rule if request.url_rule else "<unmatched>"
            LOG.debug(
                "request",
                extra={
                    "correlation_id": cid,
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                },
            )
        return response


def correlation_id() -> str:
    """The current request's correlation id, made on first use."""
    cid: str | None = g.get("correlation_id")
    if cid is None:
        cid = g.correlation_id = new_correlation_id()
    return cid


def new_correlation_id() -> str:
    """32 random hex digits (the shape of a uuid4 hex, at a third of its cost)."""
    return os.urandom(16).hex()
