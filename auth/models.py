"""The objects authlib's grants and endpoints work with: clients, codes, tokens, approvals.

https://docs.authlib.org/en/latest/specs/rfc6749.html
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any

from auth import scopes

# What each kind of client may ever be granted, by scope context.
CONTEXTS_BY_TYPE = {
    "public": ("patient", "user"),
    "confidential": ("patient", "user"),
    "backend": ("system",),
}
GRANTS_BY_TYPE = {
    "public": ("authorization_code", "refresh_token"),
    "confidential": ("authorization_code", "refresh_token"),
    "backend": ("client_credentials",),
}


def digest(value: str) -> str:
    """The SHA-256 hex digest under which tokens, codes and secrets are stored and logged."""
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Client:
    """A registered client (authlib ClientMixin protocol)."""

    client_id: str
    client_name: str
    client_type: str
    auth_method: str
    secret_hash: str | None
    redirect_uris: tuple[str, ...]
    jwks: str | None
    jwks_uri: str | None
    scope: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        """Known scopes of the request that this client's registration allows."""
        ceiling = set(scopes.split(self.scope))
        requested = scopes.allowed(scope, CONTEXTS_BY_TYPE[self.client_type])
        return " ".join(s for s in scopes.split(requested) if _within(s, ceiling))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret_hash is not None and hmac.compare_digest(
            self.secret_hash, digest(client_secret)
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and self.client_type != "backend"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANTS_BY_TYPE[self.client_type]


def _within(scope: str, ceiling: set[str]) -> bool:
    """True when the registration's scopes cover ``scope`` (same scope, or a wider one)."""
    if scope in ceiling or scope in scopes.OTHER_SCOPES:
        return scope in ceiling
    wanted = scopes.parse_resource_scope(scope)
    for item in map(scopes.parse_resource_scope, ceiling):
        if wanted and item and item.context == wanted.context and item.filter is None:
            type_ok = item.resource_type in ("*", wanted.resource_type)
            if type_ok and wanted.interactions <= item.interactions:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Approval:
    """What a member approved on the consent page: the ``grant_user`` of authlib."""

    login_id: int
    grant_id: str
    patient_id: str | None
    fhir_user: str | None
    scope: str
    kind: str = "patient"

    def get_user_id(self) -> str:
        return str(self.login_id)


@dataclass(slots=True)
class AuthorizationCode:
    """A stored authorization code, already joined with its grant."""

    code_hash: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    expires_at: int
    approval: Approval

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int | None:
        return None

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None

    def is_expired(self) -> bool:
        return self.expires_at < time.time()


@dataclass(slots=True)
class StoredToken:
    """A stored access/refresh token pair (authlib TokenMixin protocol)."""

    token_id: int
    family_id: str
    grant_id: str | None
    client_id: str
    kind: str
    patient_id: str | None
    fhir_user: str | None
    subject: str | None
    scope: str
    issued_at: int
    expires_at: int
    refresh_expires_at: int | None
    rotated: bool
    revoked: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_at - self.issued_at

    def get_expires_at(self) -> int:
        return self.expires_at

    def is_expired(self) -> bool:
        return self.expires_at < time.time()

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> None:
        return None

    def get_client(self) -> None:
        return None
