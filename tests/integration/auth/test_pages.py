"""Member pages: login throttling, CSRF, cookies, languages, EHR launch, accessibility basics."""

from __future__ import annotations

import pytest
from flask import Flask

from auth.records import new_launch
from tests.integration.auth.conftest import (
    PATIENT_B,
    approve,
    authorize_params,
    code_from,
    csrf_of,
    exchange,
    login,
    pkce,
)

pytestmark = pytest.mark.integration


def test_login_page_is_accessible_html(auth_app: Flask) -> None:
    page = auth_app.test_client().get("/auth/login")
    assert b'<html lang="en">' in page.data
    assert b"<h1>" in page.data
    assert b'<label for="username">' in page.data
    assert b'<label for="password">' in page.data
    assert b"<script" not in page.data


def test_login_page_in_spanish_by_accept_language(auth_app: Flask) -> None:
    page = auth_app.test_client().get("/auth/login", headers={"Accept-Language": "es-MX,es"})
    assert b'<html lang="es">' in page.data
    assert "Iniciar sesión".encode() in page.data


def test_language_switch_is_remembered(auth_app: Flask) -> None:
    client = auth_app.test_client()
    client.get("/auth/login?lang=es")
    assert b'<html lang="es">' in client.get("/auth/login").data


def test_login_without_csrf_is_refused(auth_app: Flask) -> None:
    client = auth_app.test_client()
    client.get("/auth/login")
    response = client.post("/auth/login", data={"username": "alice", "password": "x"})
    assert response.status_code == 400


def test_wrong_password_is_401_with_a_message(auth_app: Flask) -> None:
    response = login(auth_app.test_client(), "alice", "wrong password")
    assert response.status_code == 401
    assert b'role="alert"' in response.data


def test_login_is_locked_after_repeated_failures(auth_app: Flask) -> None:
    client = auth_app.test_client()
    for _ in range(5):
        assert login(client, "bob", "wrong password").status_code == 401
    assert login(client, "bob").status_code == 401  # right password, but locked


def test_session_cookie_is_httponly_and_samesite(auth_app: Flask) -> None:
    response = login(auth_app.test_client(), "alice")
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_on_https(make_app: object) -> None:
    app = make_app(BASE_URL="https://gateway.example/fhir")  # type: ignore[operator]
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_login_next_cannot_leave_the_site(auth_app: Flask) -> None:
    client = auth_app.test_client()
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login",
        data={
            "username": "alice",
            "password": "correct horse battery",
            "csrf": csrf_of(page.data),
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/auth/apps"


def test_consent_names_the_app_and_the_types(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _v, challenge = pkce()
    scope = "launch/patient patient/Observation.rs patient/Coverage.rs"
    page = client.get("/auth/authorize", query_string=authorize_params(scope, challenge))
    assert b"Health Wallet" in page.data
    assert b"Test results and measurements" in page.data
    assert b'value="Observation" checked' in page.data
    assert b'value="Coverage" checked' in page.data


def test_consent_post_without_csrf_is_refused(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _v, challenge = pkce()
    params = authorize_params("launch/patient patient/*.rs", challenge)
    response = client.post("/auth/authorize", data={**params, "decision": "allow"})
    assert response.status_code == 400


def test_ehr_launch_binds_the_patient(auth_app: Flask) -> None:
    with auth_app.extensions["gateway"].engine.begin() as conn:
        launch = new_launch(conn, PATIENT_B)
    client = auth_app.test_client()
    login(client, "carol")
    verifier, challenge = pkce()
    params = authorize_params("launch openid fhirUser patient/*.rs", challenge, launch=launch)
    code = code_from(approve(client, params))["code"][0]
    body = exchange(client, code, verifier).get_json()
    assert body["patient"] == PATIENT_B


def test_ehr_launch_for_a_patient_outside_the_login_is_denied(auth_app: Flask) -> None:
    with auth_app.extensions["gateway"].engine.begin() as conn:
        launch = new_launch(conn, PATIENT_B)
    client = auth_app.test_client()
    login(client, "alice")  # alice may only see patient A
    _v, challenge = pkce()
    params = authorize_params("launch patient/*.rs", challenge, launch=launch)
    response = client.get("/auth/authorize", query_string=params)
    assert "error=access_denied" in response.headers["Location"]


def test_apps_page_lists_the_connected_app(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _verifier, challenge = pkce()
    code_from(approve(client, authorize_params("launch/patient patient/*.rs", challenge)))
    page = client.get("/auth/apps")
    assert b"Health Wallet" in page.data
    assert b"patient/*.rs" in page.data


def test_production_without_keys_refuses_to_start(make_app: object) -> None:
    from auth.keys import AuthConfigError

    with pytest.raises(AuthConfigError):
        make_app(ENV="production")  # type: ignore[operator]


def test_consent_page_in_spanish(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _v, challenge = pkce()
    page = client.get(
        "/auth/authorize",
        query_string=authorize_params("launch/patient patient/*.rs", challenge),
        headers={"Accept-Language": "es"},
    )
    assert b'<html lang="es">' in page.data
    assert b"Permitir" in page.data
    assert b"Todos sus datos" in page.data
    assert page.headers["X-Frame-Options"] == "DENY"
