"""The authorization server: authlib's, with our grants, token storage and id_tokens.

https://datatracker.ietf.org/doc/html/rfc6749 , https://hl7.org/fhir/smart-app-launch/STU2/
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from joserfc import jwt
from sqlalchemy.engine import Connection

from auth import records, scopes
from auth.endpoints import Introspection, Revocation
from auth.grants import BackendGrant, CodeGrant, PrivateKeyJwt, RefreshGrant, SmartCodeChallenge
from auth.keys import ServerKeys
from auth.models import Approval, Client, digest

REFRESH_SCOPES = frozenset({"offline_access", "online_access"})


class SmartServer(AuthorizationServer):
    """authlib's Flask authorization server bound to our tables, settings and keys."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        keys: ServerKeys,
        connection: Callable[[], Connection],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.keys = keys
        self.connection = connection
        self.base_url = str(settings["BASE_URL"]).rstrip("/")
        self.issuer = self.base_url
        self.token_url = self.base_url.rsplit("/", 1)[0] + "/auth/token"
        ttl = int(settings["AUTH_ACCESS_TOKEN_TTL"])
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                lambda **_: generate_token(42), lambda **_: generate_token(48), lambda *_: ttl
            ),
        )
        self.register_grant(CodeGrant, [SmartCodeChallenge(required=True)])
        self.register_grant(RefreshGrant)
        self.register_grant(BackendGrant)
        self.register_client_auth_method("private_key_jwt", PrivateKeyJwt(self))
        self.register_endpoint(Introspection)
        self.register_endpoint(Revocation)

    def query_client(self, client_id: str) -> Client | None:
        return records.find_client(self.connection(), client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Store the token's hashes and add the SMART context to the response."""
        client: Client = request.client
        approval: Approval | None = request.user
        scope = token.get("scope") or ""
        if not REFRESH_SCOPES & set(scopes.split(scope)):
            token.pop("refresh_token", None)
        previous = request.refresh_token
        family = previous.family_id if previous is not None else uuid.uuid4().hex
        row = self._token_row(token, client, approval, family)
        records.save_token(self.connection(), row)
        if approval is not None and approval.patient_id and approval.kind == "patient":
            token["patient"] = approval.patient_id
        if approval is not None and "openid" in scope.split():
            token["id_token"] = self.id_token(client, approval, request.payload.data.get("nonce"))

    def _token_row(
        self, token: dict[str, Any], client: Client, approval: Approval | None, family: str
    ) -> dict[str, Any]:
        now = records.now()
        refresh = token.get("refresh_token")
        return {
            "access_hash": digest(token["access_token"]),
            "refresh_hash": digest(refresh) if refresh else None,
            "family_id": family,
            "grant_id": approval.grant_id if approval else None,
            "client_id": client.client_id,
            "kind": approval.kind if approval else "system",
            "patient_id": approval.patient_id if approval else None,
            "fhir_user": approval.fhir_user if approval else None,
            "subject": approval.get_user_id() if approval else None,
            "audience": self.base_url,
            "scope": token.get("scope") or "",
            "issued_at": now,
            "expires_at": now + int(token["expires_in"]),
            "refresh_expires_at": self._refresh_end(approval, token) if refresh else None,
        }

    def _refresh_end(self, approval: Approval | None, token: dict[str, Any]) -> int | None:
        """offline_access lasts as long as the grant; online_access a shorter session."""
        grant_end = records.grant_expiry(self.connection(), approval.grant_id if approval else None)
        if "offline_access" in scopes.split(token.get("scope")):
            return grant_end
        online = records.now() + int(self.settings["AUTH_ONLINE_REFRESH_TTL"])
        return min(online, grant_end) if grant_end is not None else online

    def id_token(self, client: Client, approval: Approval, nonce: str | None) -> str:
        """An RS256 OpenID Connect id_token carrying ``fhirUser``."""
        now = records.now()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject(approval.login_id),
            "aud": client.client_id,
            "iat": now,
            "exp": now + int(self.settings["AUTH_ACCESS_TOKEN_TTL"]),
        }
        if approval.fhir_user:
            claims["fhirUser"] = f"{self.base_url}/{approval.fhir_user}"
        if nonce:
            claims["nonce"] = nonce
        header = {"alg": "RS256", "kid": self.keys.kid, "typ": "JWT"}
        return jwt.encode(header, claims, self.keys.signing, algorithms=["RS256"])

    def handle_response(self, status_code: int, payload: Any, headers: Any) -> Any:
        """RFC 6749 section 5.1: token responses are never cached."""
        response = super().handle_response(status_code, payload, headers)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response


def subject(login_id: int | str) -> str:
    """The stable, opaque OpenID ``sub`` of a login (never a member number)."""
    return digest(f"login:{login_id}")[:32]
