"""Fixtures for the authorization server: clients, member logins, a driven authorize flow."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from auth.clients import register_client
from auth.members import DemoMember, seed_demo_accounts

BASE = "http://localhost/fhir"
REDIRECT = "http://localhost:9000/callback"
PATIENT_A = "pat-a"
PATIENT_B = "pat-b"
PASSWORD = "correct horse battery"


@dataclass
class Clients:
    """The registered test clients and the confidential one's secret."""

    secret: str


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2id hash of the test password, with test-only cheap parameters.

    argon2 verifies with the parameters stored in the hash, so logins in tests stay fast; the
    production parameters are exercised by the add-login command test.
    """
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture
def auth_app(make_app: Callable[..., Flask], password_hash: str) -> Flask:
    """The gateway with two members, a representative, an auditor and two app clients."""
    app = make_app()
    engine = app.extensions["gateway"].engine
    h = password_hash
    seed_demo_accounts(
        engine,
        [
            DemoMember("alice", PASSWORD, (PATIENT_A,), password_hash=h),
            DemoMember("bob", PASSWORD, (PATIENT_B,), password_hash=h),
            DemoMember(
                "carol",
                PASSWORD,
                (PATIENT_A, PATIENT_B),
                "representative",
                "RelatedPerson/rp-1",
                password_hash=h,
            ),
            DemoMember("audrey", PASSWORD, (), "auditor", "Practitioner/aud-1", password_hash=h),
        ],
    )
    with engine.begin() as conn:
        register_client(
            conn, "public-app", "public", name="Health Wallet", redirect_uris=(REDIRECT,)
        )
        secret = register_client(
            conn, "conf-app", "confidential", name="Plan Viewer", redirect_uris=(REDIRECT,)
        )
    app.config["TEST_SECRET"] = secret
    return app


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_of(html: bytes) -> str:
    """The CSRF token of a rendered page."""
    match = re.search(rb'name="csrf" value="([^"]+)"', html)
    assert match is not None
    return match.group(1).decode()


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the login page."""
    page = client.get("/auth/login")
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf": csrf_of(page.data)},
    )


def authorize_params(scope: str, challenge: str, **extra: str) -> dict[str, str]:
    """A SMART authorization request."""
    return {
        "response_type": "code",
        "client_id": "public-app",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-123",
        "aud": BASE,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def approve(client: FlaskClient, params: dict[str, str], form: dict[str, Any] | None = None) -> Any:
    """Show the consent page for ``params`` and submit it (all types ticked unless ``form``)."""
    page = client.get("/auth/authorize?" + urlencode(params))
    assert page.status_code == 200, page.data
    types = re.findall(rb'name="types" value="([^"]+)"', page.data)
    data: dict[str, Any] = {
        **params,
        "csrf": csrf_of(page.data),
        "decision": "allow",
        "types": [t.decode() for t in types],
        "offline": "yes",
    }
    data.update(form or {})
    return client.post("/auth/authorize", data=data)


def code_from(response: Any) -> dict[str, list[str]]:
    """The query of the redirect back to the app."""
    assert response.status_code == 302, response.data
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    return parse_qs(urlsplit(location).query)


def exchange(
    client: FlaskClient, code: str, verifier: str, client_id: str = "public-app", **extra: Any
) -> Any:
    """The token request for an authorization code."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": client_id,
        **extra,
    }
    return client.post("/auth/token", data=data)


def full_launch(
    client: FlaskClient, scope: str, username: str = "alice", form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Log in, approve and exchange the code: the token response JSON."""
    login(client, username)
    verifier, challenge = pkce()
    query = code_from(approve(client, authorize_params(scope, challenge), form))
    response = exchange(client, query["code"][0], verifier)
    assert response.status_code == 200, response.data
    body: dict[str, Any] = response.get_json()
    return body
