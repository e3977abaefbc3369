"""Standalone launch: authorization code with PKCE S256, consent, id_token, refresh rotation."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.integration.auth.conftest import (
    BASE,
    PATIENT_A,
    PATIENT_B,
    approve,
    authorize_params,
    code_from,
    exchange,
    full_launch,
    login,
    pkce,
)

pytestmark = pytest.mark.integration
SCOPE = "launch/patient openid fhirUser offline_access patient/*.rs"


def test_standalone_launch_returns_code_and_state(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _verifier, challenge = pkce()
    query = code_from(approve(client, authorize_params(SCOPE, challenge)))
    assert query["state"] == ["st-123"]
    assert query["code"][0]


def test_token_response_has_smart_fields_and_no_store(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    verifier, challenge = pkce()
    query = code_from(approve(client, authorize_params(SCOPE, challenge)))
    response = exchange(client, query["code"][0], verifier)
    body = response.get_json()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
    assert body["token_type"].lower() == "bearer"
    assert isinstance(body["expires_in"], int)
    assert body["scope"] == SCOPE
    assert body["patient"] == PATIENT_A
    assert body["refresh_token"]


def test_id_token_is_rs256_with_fhir_user_and_verifies_with_jwks(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, SCOPE)
    keys = KeySet.import_key_set(client.get("/auth/jwks").get_json())
    token = jwt.decode(body["id_token"], keys, algorithms=["RS256"])
    config = client.get("/.well-known/openid-configuration").get_json()
    assert token.header["alg"] == "RS256"
    assert token.claims["iss"] == config["issuer"]
    assert token.claims["aud"] == "public-app"
    assert token.claims["fhirUser"] == f"{BASE}/Patient/{PATIENT_A}"
    assert 0 < len(token.claims["sub"]) < 256


def test_unticked_type_is_left_out_of_the_granted_scope(auth_app: Flask) -> None:
    scope = "launch/patient patient/Observation.rs patient/Coverage.rs"
    body = full_launch(auth_app.test_client(), scope, form={"types": ["Coverage"]})
    assert body["scope"] == "launch/patient patient/Coverage.rs"


def test_offline_unticked_gives_no_refresh_token(auth_app: Flask) -> None:
    body = full_launch(auth_app.test_client(), SCOPE, form={"offline": "no"})
    assert "refresh_token" not in body
    assert "offline_access" not in body["scope"].split()


def test_representative_picks_the_patient(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "carol")
    verifier, challenge = pkce()
    params = authorize_params(SCOPE, challenge)
    page = client.get("/auth/authorize", query_string=params)
    assert b'<select id="patient"' in page.data
    query = code_from(approve(client, params, {"patient": PATIENT_B}))
    body = exchange(client, query["code"][0], verifier).get_json()
    assert body["patient"] == PATIENT_B


def test_representative_cannot_pick_a_patient_outside_the_login(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "carol")
    _verifier, challenge = pkce()
    response = approve(client, authorize_params(SCOPE, challenge), {"patient": "someone-else"})
    assert response.status_code == 200  # the consent page again, with an error
    assert b'role="alert"' in response.data


def test_deny_redirects_with_access_denied_and_state(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _verifier, challenge = pkce()
    query = code_from(approve(client, authorize_params(SCOPE, challenge), {"decision": "deny"}))
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["st-123"]


def _authorize_error(auth_app: Flask, **changes: str) -> Any:
    client = auth_app.test_client()
    login(client, "alice")
    _verifier, challenge = pkce()
    params = authorize_params(SCOPE, challenge)
    params.update(changes)
    params = {k: v for k, v in params.items() if v}
    return client.get("/auth/authorize", query_string=params)


def test_plain_pkce_is_refused(auth_app: Flask) -> None:
    response = _authorize_error(auth_app, code_challenge_method="plain")
    assert "error=invalid_request" in response.headers["Location"]


def test_missing_pkce_is_refused(auth_app: Flask) -> None:
    response = _authorize_error(auth_app, code_challenge="", code_challenge_method="")
    assert "error=invalid_request" in response.headers["Location"]


def test_wrong_aud_is_refused(auth_app: Flask) -> None:
    response = _authorize_error(auth_app, aud="https://evil.example/fhir")
    assert "error=invalid_request" in response.headers["Location"]


def test_unregistered_redirect_uri_is_not_redirected_to(auth_app: Flask) -> None:
    response = _authorize_error(auth_app, redirect_uri="https://evil.example/cb")
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_implicit_grant_is_unsupported(auth_app: Flask) -> None:
    response = _authorize_error(auth_app, response_type="token")
    assert "error=unsupported_response_type" in response.headers["Location"]


def test_password_grant_is_unsupported(auth_app: Flask) -> None:
    response = auth_app.test_client().post(
        "/auth/token",
        data={
            "grant_type": "password",
            "username": "alice",
            "password": "x",
            "client_id": "public-app",
        },
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_wrong_code_verifier_is_invalid_grant(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _verifier, challenge = pkce()
    query = code_from(approve(client, authorize_params(SCOPE, challenge)))
    response = exchange(client, query["code"][0], pkce()[0])
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_reused_code_is_invalid_grant_and_revokes_tokens(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    verifier, challenge = pkce()
    code = code_from(approve(client, authorize_params(SCOPE, challenge)))["code"][0]
    first = exchange(client, code, verifier).get_json()
    second = exchange(client, code, verifier)
    assert second.get_json()["error"] == "invalid_grant"
    check = client.post("/auth/introspect", data={"token": first["access_token"]})
    assert check.get_json() == {"active": False}


def test_confidential_client_uses_basic_auth(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    verifier, challenge = pkce()
    params = authorize_params(SCOPE, challenge, client_id="conf-app")
    code = code_from(approve(client, params))["code"][0]
    secret = auth_app.config["TEST_SECRET"]
    ok = exchange(client, code, verifier, client_id="conf-app", client_secret=None)
    assert ok.status_code in (400, 401)  # no credentials: refused
    code = code_from(approve(client, params))["code"][0]
    response = client.post(
        "/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": params["redirect_uri"],
            "code_verifier": verifier,
        },
        auth=("conf-app", secret),
    )
    assert response.status_code == 200, response.data
    assert response.get_json()["patient"] == PATIENT_A


def test_unauthenticated_authorize_goes_to_login(auth_app: Flask) -> None:
    _verifier, challenge = pkce()
    response = auth_app.test_client().get(
        "/auth/authorize", query_string=authorize_params(SCOPE, challenge)
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_authorize_by_post_shows_the_consent_page(auth_app: Flask) -> None:
    client = auth_app.test_client()
    login(client, "alice")
    _verifier, challenge = pkce()
    page = client.post("/auth/authorize", data=authorize_params(SCOPE, challenge))
    assert page.status_code == 200
    assert b'id="allow"' in page.data
