"""``/health`` (the process is up) and ``/ready`` (the database answers)."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, jsonify
from sqlalchemy import text

from gateway.state import GatewayState
from gateway.store.engine import request_connection

LOG = logging.getLogger("gateway.health")


def init_app(app: Flask, state: GatewayState) -> None:
    """Register the probes."""
    bp = Blueprint("health", __name__)

    @bp.get("/health")
    def health() -> Response:
        return jsonify(status="up")

    @bp.get("/ready")
    def ready() -> tuple[Response, int]:
        try:
            with request_connection(state.engine) as conn:  # a read: never queues for writers
                conn.execute(text("SELECT 1"))
        except Exception:
            LOG.warning("readiness check failed: database unreachable")
            return jsonify(status="unavailable", database="unreachable"), 503
        return jsonify(status="ready", database="reachable"), 200

    app.register_blueprint(bp)
