"""Refresh rotation and reuse detection, introspection (RFC 7662), revocation (RFC 7009)."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from auth import tables
from tests.integration.auth.conftest import PATIENT_A, full_launch

pytestmark = pytest.mark.integration
SCOPE = "launch/patient openid fhirUser offline_access patient/*.rs"


def _refresh(client: FlaskClient, refresh_token: str, scope: str | None = None) -> object:
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": "public-app",
    }
    if scope:
        data["scope"] = scope
    return client.post("/auth/token", data=data)


def test_refresh_rotates_the_refresh_token(auth_app: Flask) -> None:
    client = auth_app.test_client()
    first = full_launch(client, SCOPE)
    response = _refresh(client, first["refresh_token"])
    body = response.get_json()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.headers["Cache-Control"] == "no-store"  # type: ignore[attr-defined]
    assert body["refresh_token"] != first["refresh_token"]
    assert body["scope"] == SCOPE
    assert body["patient"] == PATIENT_A


def test_refresh_with_a_narrower_scope(auth_app: Flask) -> None:
    client = auth_app.test_client()
    first = full_launch(client, SCOPE)
    body = _refresh(client, first["refresh_token"], "patient/*.rs offline_access").get_json()  # type: ignore[attr-defined]
    assert body["scope"] == "patient/*.rs offline_access"


def test_refresh_with_a_wider_scope_is_refused(auth_app: Flask) -> None:
    client = auth_app.test_client()
    first = full_launch(client, SCOPE)
    response = _refresh(client, first["refresh_token"], "patient/*.cruds")
    assert response.get_json()["error"] == "invalid_scope"  # type: ignore[attr-defined]


def test_reusing_a_rotated_refresh_token_revokes_the_family(auth_app: Flask) -> None:
    client = auth_app.test_client()
    first = full_launch(client, SCOPE)
    second = _refresh(client, first["refresh_token"]).get_json()  # type: ignore[attr-defined]
    replay = _refresh(client, first["refresh_token"])
    assert replay.get_json()["error"] == "invalid_grant"  # type: ignore[attr-defined]
    assert _refresh(client, second["refresh_token"]).get_json()["error"] == "invalid_grant"  # type: ignore[attr-defined]
    check = client.post("/auth/introspect", data={"token": second["access_token"]})
    assert check.get_json() == {"active": False}


def test_refresh_after_the_grant_expired_is_refused(auth_app: Flask) -> None:
    client = auth_app.test_client()
    first = full_launch(client, SCOPE)
    with auth_app.extensions["gateway"].engine.begin() as conn:
        conn.execute(update(tables.grant).values(expires_at=0))
    assert _refresh(client, first["refresh_token"]).get_json()["error"] == "invalid_grant"  # type: ignore[attr-defined]


def test_introspection_of_an_active_token(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, SCOPE)
    info = client.post("/auth/introspect", data={"token": body["access_token"]}).get_json()
    assert info["active"] is True
    assert info["client_id"] == "public-app"
    assert info["scope"] == body["scope"]
    assert info["patient"] == PATIENT_A
    assert info["fhirUser"].endswith(f"/Patient/{PATIENT_A}")
    assert isinstance(info["exp"], int)
    assert info["iss"] == "http://localhost/fhir"
    assert info["sub"]


def test_introspection_of_an_unknown_token_is_inactive(auth_app: Flask) -> None:
    response = auth_app.test_client().post(
        "/auth/introspect", data={"token": "invalid_token_value"}
    )
    assert response.status_code == 200
    assert response.get_json() == {"active": False}


def test_introspection_by_another_client_is_inactive(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, SCOPE)
    response = client.post(
        "/auth/introspect",
        data={"token": body["access_token"]},
        auth=("conf-app", auth_app.config["TEST_SECRET"]),
    )
    assert response.get_json() == {"active": False}


def test_revoked_access_token_is_inactive(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, SCOPE)
    revoke = client.post(
        "/auth/revoke", data={"token": body["access_token"], "client_id": "public-app"}
    )
    assert revoke.status_code == 200
    info = client.post("/auth/introspect", data={"token": body["access_token"]}).get_json()
    assert info == {"active": False}


def test_revoked_refresh_token_cannot_refresh(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, SCOPE)
    client.post("/auth/revoke", data={"token": body["refresh_token"], "client_id": "public-app"})
    assert _refresh(client, body["refresh_token"]).get_json()["error"] == "invalid_grant"  # type: ignore[attr-defined]


def test_online_access_refresh_is_bounded_by_the_session(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, "launch/patient online_access patient/*.rs")
    with auth_app.extensions["gateway"].engine.connect() as conn:
        ends = conn.execute(select(tables.token.c.refresh_expires_at)).scalar_one()
    assert 0 < ends - time.time() <= 8 * 3600 + 5
    assert _refresh(client, body["refresh_token"]).status_code == 200  # type: ignore[attr-defined]


def test_offline_refresh_lasts_as_long_as_the_13_month_grant(auth_app: Flask) -> None:
    full_launch(auth_app.test_client(), SCOPE)
    with auth_app.extensions["gateway"].engine.connect() as conn:
        ends = conn.execute(select(tables.token.c.refresh_expires_at)).scalar_one()
        grant_end = conn.execute(select(tables.grant.c.expires_at)).scalar_one()
    assert ends == grant_end
    assert 395 * 86400 < ends - time.time() <= 396 * 86400 + 5
