"""SQL on the auth tables: clients, grants, codes, tokens, replayed assertions, launches."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from auth import tables as t
from auth.models import Approval, AuthorizationCode, Client, StoredToken, digest


def now() -> int:
    """The current time in epoch seconds."""
    return int(time.time())


def find_client(conn: Connection, client_id: str) -> Client | None:
    """The registered client, or ``None``."""
    row = conn.execute(select(t.client).where(t.client.c.client_id == client_id)).first()
    if row is None:
        return None
    m = row._mapping
    return Client(
        client_id=m["client_id"],
        client_name=m["client_name"],
        client_type=m["client_type"],
        auth_method=m["auth_method"],
        secret_hash=m["secret_hash"],
        redirect_uris=tuple(m["redirect_uris"].split()),
        jwks=m["jwks"],
        jwks_uri=m["jwks_uri"],
        scope=m["scope"],
    )


def new_grant(conn: Connection, approval: Approval, client_id: str, lifetime: int) -> Approval:
    """Store a member's consent; returns the approval with its grant id."""
    grant_id = uuid.uuid4().hex
    conn.execute(
        insert(t.grant).values(
            grant_id=grant_id,
            login_id=approval.login_id,
            client_id=client_id,
            patient_id=approval.patient_id,
            scope=approval.scope,
            created_at=now(),
            expires_at=now() + lifetime,
            revoked=False,
        )
    )
    return replace(approval, grant_id=grant_id)


def grant_expiry(conn: Connection, grant_id: str | None) -> int | None:
    """When a live grant ends; ``None`` for no grant, 0 for a revoked or unknown one."""
    if grant_id is None:
        return None
    row = conn.execute(
        select(t.grant.c.expires_at, t.grant.c.revoked).where(t.grant.c.grant_id == grant_id)
    ).first()
    return 0 if row is None or row.revoked else int(row.expires_at)


def save_code(conn: Connection, code: str, values: dict[str, Any]) -> None:
    """Store an authorization code under its hash."""
    conn.execute(insert(t.code).values(code_hash=digest(code), used=False, **values))


def take_code(conn: Connection, code: str, client_id: str) -> AuthorizationCode | None:
    """The unused, unexpired code of this client, marked used; a reused code revokes its tokens."""
    row = conn.execute(
        select(t.code, t.grant.c.login_id, t.grant.c.patient_id)
        .join(t.grant, t.grant.c.grant_id == t.code.c.grant_id)
        .where(t.code.c.code_hash == digest(code), t.code.c.client_id == client_id)
    ).first()
    if row is None or row.expires_at < now() or row.used:
        if row is not None and row.used:
            revoke_grant(conn, row.grant_id)  # RFC 6749 section 4.1.2: code reuse
        return None
    conn.execute(update(t.code).where(t.code.c.code_hash == row.code_hash).values(used=True))
    fhir_user = _fhir_user(conn, row.login_id, row.patient_id)
    kind = "patient" if row.patient_id else "user"  # only auditors consent without a patient
    approval = Approval(row.login_id, row.grant_id, row.patient_id, fhir_user, row.scope, kind)
    return AuthorizationCode(
        row.code_hash,
        row.client_id,
        row.redirect_uri,
        row.scope,
        row.nonce,
        row.code_challenge,
        row.expires_at,
        approval,
    )


def _fhir_user(conn: Connection, login_id: int, patient_id: str | None) -> str | None:
    row = conn.execute(select(t.login.c.fhir_user).where(t.login.c.login_id == login_id)).first()
    if row is not None and row.fhir_user:
        return str(row.fhir_user)
    return f"Patient/{patient_id}" if patient_id else None


def save_token(conn: Connection, values: dict[str, Any]) -> None:
    """Store a token row (hashes only)."""
    conn.execute(insert(t.token).values(rotated=False, revoked=False, **values))


_TOKEN_COLUMNS = [c for c in t.token.c if c.name not in ("access_hash", "refresh_hash", "audience")]


def find_token(conn: Connection, value: str, hint: str | None = None) -> StoredToken | None:
    """The token whose access or refresh value is ``value``."""
    columns = [t.token.c.access_hash, t.token.c.refresh_hash]
    if hint == "refresh_token":
        columns.reverse()
    for column in columns:
        row = conn.execute(select(*_TOKEN_COLUMNS).where(column == digest(value))).first()
        if row is not None:
            return StoredToken(**row._mapping)
    return None


def find_refresh(conn: Connection, value: str) -> StoredToken | None:
    """The token row of a refresh token value."""
    row = conn.execute(
        select(*_TOKEN_COLUMNS).where(t.token.c.refresh_hash == digest(value))
    ).first()
    return None if row is None else StoredToken(**row._mapping)


def mark_rotated(conn: Connection, token_id: int) -> None:
    """The refresh token of this row was used: a later use is a replay."""
    conn.execute(update(t.token).where(t.token.c.token_id == token_id).values(rotated=True))


def revoke_family(conn: Connection, family_id: str) -> None:
    """Revoke every token descended from one authorization (refresh reuse detected)."""
    conn.execute(update(t.token).where(t.token.c.family_id == family_id).values(revoked=True))


def revoke_token(conn: Connection, token_id: int) -> None:
    """Revoke one access/refresh pair (RFC 7009)."""
    conn.execute(update(t.token).where(t.token.c.token_id == token_id).values(revoked=True))


def revoke_grant(conn: Connection, grant_id: str) -> None:
    """Withdraw a consent and every token issued under it."""
    conn.execute(update(t.grant).where(t.grant.c.grant_id == grant_id).values(revoked=True))
    conn.execute(update(t.token).where(t.token.c.grant_id == grant_id).values(revoked=True))


def first_use_of_jti(conn: Connection, client_id: str, jti: str, expires_at: int) -> bool:
    """Record a client assertion's ``jti``; False when it was seen before (a replay)."""
    key = digest(f"{client_id}\n{jti}")
    conn.execute(t.jti.delete().where(t.jti.c.expires_at < now() - 3600))
    try:
        with conn.begin_nested():
            conn.execute(insert(t.jti).values(jti_hash=key, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def new_launch(conn: Connection, patient_id: str, ttl: int = 3600) -> str:
    """An opaque EHR ``launch`` value bound to a patient context."""
    value = uuid.uuid4().hex + uuid.uuid4().hex
    conn.execute(
        insert(t.launch).values(
            launch_hash=digest(value), patient_id=patient_id, expires_at=now() + ttl
        )
    )
    return value


def launch_patient(conn: Connection, value: str) -> str | None:
    """The patient a live ``launch`` value is bound to."""
    row = conn.execute(
        select(t.launch.c.patient_id).where(
            and_(t.launch.c.launch_hash == digest(value), t.launch.c.expires_at >= now())
        )
    ).first()
    return None if row is None else str(row.patient_id)
