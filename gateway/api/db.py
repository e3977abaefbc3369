"""One database connection per request, checked out lazily and released at teardown (D7)."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.engine import Connection

from gateway.state import GatewayState
from gateway.store.engine import request_connection


def init_app(app: Flask, state: GatewayState) -> None:
    """Register the teardown that returns the request's connection to the pool."""

    @app.teardown_appcontext
    def _release(_exc: BaseException | None) -> None:
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()


def connection() -> Connection:
    """The request's connection, opened on first use."""
    conn: Connection | None = g.get("db")
    if conn is None:
        from flask import current_app

        conn = request_connection(current_app.extensions["gateway"].engine)
        g.db = conn
    return conn


def gateway_state() -> GatewayState:
    """The app's shared state."""
    from flask import current_app

    state: GatewayState = current_app.extensions["gateway"]
    return state
