"""FHIR payer gateway: ``create_app()`` builds the Flask application (no import-time effects)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from config import load_settings
from gateway.state import GatewayState
from gateway.store.engine import make_engine

# Modules exposing ``init_app(app, state)``, called in this order by create_app.
APP_MODULES: tuple[str, ...] = (
    "gateway.api.logs",
    "gateway.api.sessions",
    "gateway.api.db",
    "gateway.api.errors",
    "gateway.api.health",
    "gateway.api.audit_trail",
    "gateway.api.fhir",
    "auth.flask_app",
    "gateway.api.auth_views",
    "gateway.api.ehr_views",
    "gateway.api.direct_path",  # last: it wraps the finished app
)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the gateway: settings (defaults, ``GATEWAY_*``, ``test_config``), engine, routes."""
    from importlib import import_module

    settings = load_settings(test_config)
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        MAX_CONTENT_LENGTH=settings["MAX_BODY_BYTES"],
        JSON_SORT_KEYS=False,
        GATEWAY=settings,
    )
    state = GatewayState(settings, make_engine(settings["DATABASE_URL"], settings["DB_POOL_SIZE"]))
    app.extensions["gateway"] = state
    for name in APP_MODULES:
        import_module(name).init_app(app, state)
    return app
