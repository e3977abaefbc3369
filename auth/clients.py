"""Client registration (the admin command) and direct token minting for services and tests."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from auth import records
from auth import tables as t
from auth.models import digest

CLIENT_TYPES = ("public", "confidential", "backend")
DEFAULT_SCOPES = {
    "public": "launch launch/patient openid fhirUser offline_access online_access "
    "patient/*.cruds user/*.cruds",
    "confidential": "launch launch/patient openid fhirUser offline_access online_access "
    "patient/*.cruds user/*.cruds",
    "backend": "system/*.cruds",
}


def register_client(
    conn: Connection,
    client_id: str,
    client_type: str,
    *,
    name: str | None = None,
    redirect_uris: tuple[str, ...] = (),
    jwks: dict[str, Any] | None = None,
    jwks_uri: str | None = None,
    scope: str | None = None,
    secret: str | None = None,
) -> str | None:
    """Create or replace a client; returns the client secret for a symmetric one."""
    method = auth_method(client_type, redirect_uris, jwks is not None or jwks_uri is not None)
    if method == "client_secret_basic":
        secret = secret or secrets.token_urlsafe(32)
    conn.execute(delete(t.client).where(t.client.c.client_id == client_id))
    conn.execute(
        insert(t.client).values(
            client_id=client_id,
            client_name=name or client_id,
            client_type=client_type,
            auth_method=method,
            secret_hash=digest(secret) if method == "client_secret_basic" and secret else None,
            redirect_uris=" ".join(redirect_uris),
            jwks=json.dumps(jwks) if jwks is not None else None,
            jwks_uri=jwks_uri,
            scope=scope or DEFAULT_SCOPES[client_type],
            created_at=records.now(),
        )
    )
    return secret if method == "client_secret_basic" else None


def auth_method(client_type: str, redirect_uris: tuple[str, ...], asymmetric: bool) -> str:
    """The token endpoint authentication of a new client; ValueError for a bad registration."""
    if client_type not in CLIENT_TYPES:
        raise ValueError(f"client type must be one of {', '.join(CLIENT_TYPES)}")
    if client_type == "backend" and not asymmetric:
        raise ValueError("a backend client needs a JWKS or a JWKS URL")
    if client_type != "backend" and not redirect_uris:
        raise ValueError("an app client needs at least one redirect URI")
    if asymmetric:
        return "private_key_jwt"
    return "none" if client_type == "public" else "client_secret_basic"


def mint_token(
    conn: Connection,
    client_id: str,
    scope: str,
    audience: str,
    *,
    kind: str = "system",
    patient_id: str | None = None,
    ttl: int = 3600,
) -> str:
    """Issue an access token directly (test fixtures, benchmarks, trusted service set-up)."""
    value = secrets.token_urlsafe(32)
    issued = records.now()
    records.save_token(
        conn,
        {
            "access_hash": digest(value),
            "refresh_hash": None,
            "family_id": uuid.uuid4().hex,
            "grant_id": None,
            "client_id": client_id,
            "kind": kind,
            "patient_id": patient_id,
            "fhir_user": f"Patient/{patient_id}" if patient_id else None,
            "subject": None,
            "audience": audience,
            "scope": scope,
            "issued_at": issued,
            "expires_at": issued + ttl,
            "refresh_expires_at": None,
        },
    )
    return value
