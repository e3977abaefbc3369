"""Token introspection (RFC 7662) and revocation (RFC 7009) on our token table.

Introspection accepts an authenticated client (its own tokens) or, as SMART's Inferno tests
do, no client credentials: then the token value itself is the credential.
https://hl7.org/fhir/smart-app-launch/STU2/token-introspection.html
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from auth import records
from auth.models import Client, StoredToken

CLIENT_METHODS = ["client_secret_basic", "private_key_jwt", "none"]


class Introspection(IntrospectionEndpoint):
    """RFC 7662 with the SMART fields: scope, client_id, exp, patient, fhirUser, iss, sub."""

    CLIENT_AUTH_METHODS = CLIENT_METHODS

    def authenticate_endpoint_client(self, request: Any) -> Client | None:
        form = request.form
        if (
            "client_id" in form
            or "client_assertion" in form
            or request.headers.get("Authorization")
        ):
            client: Client = super().authenticate_endpoint_client(request)
            return client
        return None

    def check_permission(self, token: StoredToken, client: Client | None, request: Any) -> bool:
        return client is None or token.check_client(client)

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        return records.find_token(self.server.connection(), token_string, token_type_hint)

    def introspect_token(self, token: StoredToken) -> dict[str, Any]:
        from auth.server import subject

        payload: dict[str, Any] = {
            "active": True,
            "scope": token.scope,
            "client_id": token.client_id,
            "token_type": "Bearer",
            "exp": token.expires_at,
            "iat": token.issued_at,
            "iss": self.server.issuer,
        }
        if token.subject:
            payload["sub"] = subject(token.subject)
        if token.patient_id:
            payload["patient"] = token.patient_id
        if token.fhir_user:
            payload["fhirUser"] = f"{self.server.base_url}/{token.fhir_user}"
        return payload


class Revocation(RevocationEndpoint):
    """RFC 7009: revoking a refresh token ends its whole family, an access token its pair."""

    CLIENT_AUTH_METHODS = CLIENT_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        stored = records.find_token(self.server.connection(), token_string, token_type_hint)
        if stored is not None:
            stored.extra["is_refresh"] = (
                records.find_refresh(self.server.connection(), token_string) is not None
            )
        return stored

    def revoke_token(self, token: StoredToken, request: Any) -> None:
        conn = self.server.connection()
        if token.extra.get("is_refresh"):
            records.revoke_family(conn, token.family_id)
        else:
            records.revoke_token(conn, token.token_id)
