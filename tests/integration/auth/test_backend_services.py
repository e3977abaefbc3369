"""SMART Backend Services: client_credentials with private_key_jwt (RS384, ES384)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from flask import Flask
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from auth.clients import register_client

pytestmark = pytest.mark.integration
TOKEN_URL = "http://localhost/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    """An RSA and an EC private key with their kids."""
    return {
        "RS384": RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}),
        "ES384": ECKey.generate_key("P-384", parameters={"kid": "ec-1"}),
    }


@pytest.fixture
def backend_app(make_app: Any, keys: dict[str, Any]) -> Flask:
    app: Flask = make_app()
    jwks = {"keys": [k.as_dict(private=False) for k in keys.values()]}
    with app.extensions["gateway"].engine.begin() as conn:
        register_client(conn, "bulk-client", "backend", jwks=jwks, scope="system/*.rs")
    return app


def assertion(key: Any, alg: str, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "bulk-client",
        "sub": "bulk-client",
        "aud": TOKEN_URL,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        **changes,
    }
    return jwt.encode({"alg": alg, "kid": key.kid, "typ": "JWT"}, claims, key, algorithms=[alg])


def request_token(app: Flask, client_assertion: str, **changes: str) -> Any:
    data = {
        "grant_type": "client_credentials",
        "scope": "system/*.rs",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
        **changes,
    }
    return app.test_client().post("/auth/token", data=data)


def assert_invalid_client(response: Any) -> None:
    """RFC 6749 section 5.2: invalid_client, 400 (or 401 with an Authorization header)."""
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_backend_token_with_signed_assertion(
    backend_app: Flask, keys: dict[str, Any], alg: str
) -> None:
    response = request_token(backend_app, assertion(keys[alg], alg))
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["token_type"].lower() == "bearer"
    assert isinstance(body["expires_in"], int)
    assert body["scope"] == "system/*.rs"
    assert "refresh_token" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_replayed_jti_is_refused(backend_app: Flask, keys: dict[str, Any]) -> None:
    signed = assertion(keys["RS384"], "RS384")
    assert request_token(backend_app, signed).status_code == 200
    assert_invalid_client(request_token(backend_app, signed))


def test_wrong_audience_in_assertion_is_refused(backend_app: Flask, keys: dict[str, Any]) -> None:
    assert_invalid_client(
        request_token(backend_app, assertion(keys["RS384"], "RS384", aud="https://x/token"))
    )


def test_expired_assertion_is_refused(backend_app: Flask, keys: dict[str, Any]) -> None:
    response = request_token(
        backend_app, assertion(keys["RS384"], "RS384", exp=int(time.time()) - 600)
    )
    assert_invalid_client(response)


def test_assertion_signed_by_another_key_is_refused(backend_app: Flask) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    assert_invalid_client(request_token(backend_app, assertion(stranger, "RS384")))


def test_rs256_assertion_is_refused(backend_app: Flask, keys: dict[str, Any]) -> None:
    assert_invalid_client(request_token(backend_app, assertion(keys["RS384"], "RS256")))


def test_bad_grant_type_is_400(backend_app: Flask, keys: dict[str, Any]) -> None:
    response = request_token(
        backend_app, assertion(keys["RS384"], "RS384"), grant_type="not_a_grant_type"
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_bad_assertion_type_is_400_or_401(backend_app: Flask, keys: dict[str, Any]) -> None:
    response = request_token(
        backend_app,
        assertion(keys["RS384"], "RS384"),
        client_assertion_type="not_an_assertion_type",
    )
    assert response.status_code in (400, 401)


def test_system_scope_outside_registration_is_not_granted(
    backend_app: Flask, keys: dict[str, Any]
) -> None:
    response = request_token(backend_app, assertion(keys["RS384"], "RS384"), scope="system/*.cruds")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


def test_confidential_asymmetric_app_exchanges_a_code(
    auth_app: Flask, keys: dict[str, Any]
) -> None:
    from tests.integration.auth.conftest import (
        REDIRECT,
        approve,
        authorize_params,
        code_from,
        login,
        pkce,
    )

    jwks = {"keys": [keys["ES384"].as_dict(private=False)]}
    with auth_app.extensions["gateway"].engine.begin() as conn:
        register_client(conn, "jwt-app", "confidential", redirect_uris=(REDIRECT,), jwks=jwks)
    client = auth_app.test_client()
    login(client, "alice")
    verifier, challenge = pkce()
    params = authorize_params("launch/patient patient/*.rs", challenge, client_id="jwt-app")
    code = code_from(approve(client, params))["code"][0]
    signed = assertion(keys["ES384"], "ES384", iss="jwt-app", sub="jwt-app")
    response = client.post(
        "/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
    )
    assert response.status_code == 200, response.data
    assert response.get_json()["patient"] == "pat-a"


def test_keys_by_jwks_uri(
    make_app: Any, keys: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app: Flask = make_app()
    with app.extensions["gateway"].engine.begin() as conn:
        register_client(
            conn,
            "bulk-client",
            "backend",
            jwks_uri="https://client.example/jwks.json",
            scope="system/*.rs",
        )
    fetched: list[str] = []

    class Reply:
        def raise_for_status(self) -> None:
            return None

        def json(self) -> dict[str, Any]:
            return {"keys": [keys["RS384"].as_dict(private=False)]}

    def fake_get(url: str, timeout: float) -> Reply:
        fetched.append(url)
        return Reply()

    monkeypatch.setattr("auth.grants.requests.get", fake_get)
    response = request_token(app, assertion(keys["RS384"], "RS384"))
    assert response.status_code == 200, response.data
    assert fetched == ["https://client.example/jwks.json"]


def test_unreachable_jwks_uri_is_invalid_client(
    make_app: Any, keys: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import requests

    app: Flask = make_app()
    with app.extensions["gateway"].engine.begin() as conn:
        register_client(conn, "bulk-client", "backend", jwks_uri="https://down.example/jwks")

    def fail(url: str, timeout: float) -> None:
        raise requests.ConnectionError("down")

    monkeypatch.setattr("auth.grants.requests.get", fail)
    assert_invalid_client(request_token(app, assertion(keys["RS384"], "RS384")))
