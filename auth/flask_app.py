"""The authorization server's HTTP surface: discovery, JWKS, token, introspection, revocation.

``init_app(app, state)`` takes any object with ``settings`` and ``engine`` (auth never imports
gateway). Member pages live in :mod:`auth.pages`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from sqlalchemy.engine import Connection, Engine

from auth.discovery import openid_configuration, smart_configuration
from auth.keys import load_keys
from auth.server import SmartServer

bp = Blueprint("auth", __name__, template_folder="templates", static_folder="static")


class HasEngine(Protocol):
    """What the app factory hands to ``init_app``."""

    @property
    def settings(self) -> Mapping[str, Any]: ...

    @property
    def engine(self) -> Engine: ...


def init_app(app: Flask, state: HasEngine) -> None:
    """Register the auth routes and pages; load keys (refusing production without them)."""
    from auth import pages

    # authlib logs whole token responses at DEBUG: never let those records through.
    logging.getLogger("authlib").setLevel(logging.INFO)
    keys = load_keys(state.settings)
    server = SmartServer(state.settings, keys, _connection)
    app.extensions["auth"] = {"server": server, "engine": state.engine, "keys": keys}
    app.secret_key = keys.session_secret
    app.config.update(
        SESSION_COOKIE_SECURE=str(state.settings["BASE_URL"]).startswith("https://"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="gateway_member",
    )
    app.register_blueprint(bp)
    app.register_blueprint(pages.bp)
    app.after_request(_cors_for_fhir)


_FHIR_REQUEST_HEADERS = (
    "Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match, If-None-Exist, "
    "If-Modified-Since, X-Request-Id"
)
_FHIR_EXPOSED_HEADERS = "Location, Content-Location, ETag, Last-Modified, X-Request-Id"


def _cors_for_fhir(response: Response) -> Response:
    """Browser SMART apps call the FHIR API cross-origin with a bearer token (no cookies)."""
    origin = request.headers.get("Origin")
    if origin and request.path.startswith("/fhir"):
        for name, value in fhir_cors_headers(origin, request.method):
            if name == "Vary":
                response.headers.add(name, value)
            else:
                response.headers[name] = value
    return response


def fhir_cors_headers(origin: str, method: str) -> list[tuple[str, str]]:
    """The CORS response headers of a /fhir request from ``origin``."""
    headers = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Expose-Headers", _FHIR_EXPOSED_HEADERS),
        ("Vary", "Origin"),
    ]
    if method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Headers", _FHIR_REQUEST_HEADERS),
            ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"),
            ("Access-Control-Max-Age", "600"),
        ]
    return headers


def server() -> SmartServer:
    """The app's authorization server."""
    srv: SmartServer = current_app.extensions["auth"]["server"]
    return srv


def _connection() -> Connection:
    conn: Connection = g.auth_conn
    return conn


@contextmanager
def transaction() -> Iterator[Connection]:
    """One committed transaction for an auth request; authlib's callbacks use it via ``g``."""
    engine: Engine = current_app.extensions["auth"]["engine"]
    with engine.begin() as conn:
        g.auth_conn = conn
        try:
            yield conn
        finally:
            g.pop("auth_conn", None)


def _json(document: dict[str, Any]) -> Response:
    response = jsonify(document)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/fhir/.well-known/smart-configuration")
def smart_config() -> Response:
    """SMART App Launch discovery, relative to the FHIR base."""
    return _json(smart_configuration(server().base_url))


@bp.get("/.well-known/openid-configuration")
@bp.get("/fhir/.well-known/openid-configuration")
def openid_config() -> Response:
    """OpenID Connect discovery for the issuer (the FHIR base)."""
    return _json(openid_configuration(server().base_url))


@bp.get("/auth/jwks")
def jwks() -> Response:
    """The public key that verifies our id_tokens."""
    return _json(server().keys.jwks())


@bp.post("/auth/token")
def token() -> Response:
    """RFC 6749 section 3.2: code, refresh and client-credentials grants."""
    with transaction():
        response: Response = server().create_token_response()
    return _cors(response)


@bp.post("/auth/introspect")
def introspect() -> Response:
    """RFC 7662 token introspection."""
    with transaction():
        response: Response = server().create_endpoint_response("introspection")
    return _cors(response)


@bp.post("/auth/revoke")
def revoke() -> Response:
    """RFC 7009 token revocation."""
    with transaction():
        response: Response = server().create_endpoint_response("revocation")
    return _cors(response)


def _cors(response: Response) -> Response:
    """Browser apps (public clients) call the token endpoint cross-origin."""
    origin = request.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


@bp.route("/auth/token", methods=["OPTIONS"])
@bp.route("/auth/introspect", methods=["OPTIONS"])
@bp.route("/auth/revoke", methods=["OPTIONS"])
def preflight() -> Response:
    """CORS preflight for the token endpoints."""
    response = _cors(Response(status=204))
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    return response
