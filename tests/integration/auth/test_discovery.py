"""SMART and OpenID discovery documents, JWKS, CORS."""

from __future__ import annotations

import re

import pytest
from flask import Flask

pytestmark = pytest.mark.integration
GRANULAR = re.compile(
    r"^(patient|user|system|\*)/([A-Za-z*]+)\.([cruds]+)(\?\w+=[^\s&]+(&\w+=[^\s&]+)*)?$"
)


def test_smart_configuration_has_the_smart_2_fields(app: Flask) -> None:
    response = app.test_client().get(
        "/fhir/.well-known/smart-configuration", headers={"Accept": "application/json"}
    )
    body = response.get_json()
    assert response.status_code == 200
    assert response.content_type.startswith("application/json")
    for key in ("authorization_endpoint", "token_endpoint", "introspection_endpoint", "jwks_uri"):
        assert body[key].startswith("http://localhost/")
    assert "authorization_code" in body["grant_types_supported"]
    assert "client_credentials" in body["grant_types_supported"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["issuer"] == "http://localhost/fhir"
    assert {"launch-standalone", "sso-openid-connect", "permission-v2"} <= set(body["capabilities"])
    assert any(GRANULAR.match(s) for s in body["scopes_supported"])
    assert "implicit" not in body["grant_types_supported"]
    assert "password" not in body["grant_types_supported"]


def test_smart_configuration_allows_any_origin(app: Flask) -> None:
    response = app.test_client().get(
        "/fhir/.well-known/smart-configuration", headers={"Origin": "https://inferno.example"}
    )
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://inferno.example")


@pytest.mark.parametrize(
    "path", ["/.well-known/openid-configuration", "/fhir/.well-known/openid-configuration"]
)
def test_openid_configuration(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    body = response.get_json()
    assert response.content_type.startswith("application/json")
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        assert isinstance(body[key], str)
    assert "RS256" in body["id_token_signing_alg_values_supported"]
    assert body["subject_types_supported"]
    assert body["response_types_supported"] == ["code"]


def test_jwks_has_one_public_rsa_key(app: Flask) -> None:
    keys = app.test_client().get("/auth/jwks").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["kid"]
    assert "d" not in keys[0]  # no private part
