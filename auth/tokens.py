"""Bearer token -> AccessContext: one indexed lookup by the token's hash (DESIGN D3).

Opaque tokens were chosen over signed JWTs: a JWT still needs a revocation lookup, so the
lookup alone is the cheaper of the two (docs/auth.md has the measurements).
https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from auth import tables as t
from auth.context import AccessContext, Kind
from auth.models import digest
from auth.records import now
from auth.scopes import grants_for

_QUERY = select(
    t.token.c.client_id,
    t.token.c.kind,
    t.token.c.patient_id,
    t.token.c.fhir_user,
    t.token.c.scope,
    t.token.c.audience,
    t.token.c.expires_at,
    t.token.c.revoked,
).where(t.token.c.access_hash == bindparam("h"))
_CONTEXTS: dict[str, tuple[str, ...]] = {
    "patient": ("patient", "user"),
    "user": ("user",),
    "system": ("system",),
}


class InvalidToken(Exception):
    """The bearer token is unknown, expired, revoked or meant for another server."""

    def __init__(self, error: Literal["invalid_token", "invalid_request"], description: str):
        super().__init__(description)
        self.error = error
        self.description = description


def bearer_value(authorization: str) -> str:
    """The token of an ``Authorization: Bearer`` header (RFC 6750 section 2.1)."""
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise InvalidToken("invalid_request", "use the Bearer authentication scheme")
    return value.strip()


def verify(conn: Connection, authorization: str, audience: str) -> AccessContext:
    """The AccessContext of a bearer token, or :class:`InvalidToken`."""
    value = bearer_value(authorization)
    token_hash = digest(value)
    row = conn.execute(_QUERY, {"h": token_hash}).first()
    if row is None or row.revoked or row.expires_at < now():
        raise InvalidToken("invalid_token", "the access token is not valid")
    if row.audience != audience:
        raise InvalidToken("invalid_token", "the access token is for another server")
    kind: Kind = row.kind if row.kind in _CONTEXTS else "system"
    if kind == "patient" and not row.patient_id:
        raise InvalidToken("invalid_token", "the access token has no patient context")
    parsed = grants_for(row.scope, _CONTEXTS[kind])
    return AccessContext(
        kind=kind,
        patient_id=row.patient_id if kind == "patient" else None,
        grants=parsed.grants,
        all_types=parsed.all_types,
        client_id=row.client_id,
        fhir_user=row.fhir_user,
        token_hash=token_hash,
    )
