"""authlib grants for SMART: code + PKCE S256, refresh with rotation, backend client credentials.

https://hl7.org/fhir/smart-app-launch/STU2/app-launch.html
https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    grants,
)
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy.engine import Connection

from auth import records, scopes
from auth.models import Approval, AuthorizationCode, Client, StoredToken

ASSERTION_ALGORITHMS = ("RS384", "ES384")
APP_AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "none"]


def _conn(grant: Any) -> Connection:
    conn: Connection = grant.server.connection()
    return conn


class SmartCodeChallenge(CodeChallenge):
    """PKCE required for every client, S256 only (RFC 7636; SMART STU2 section 7.1)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'")
        super().validate_code_verifier(grant, result)

    def get_authorization_code_challenge(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: Any) -> str:
        return "S256"


class CodeGrant(grants.AuthorizationCodeGrant):
    """The authorization code grant; ``aud`` must name our FHIR base."""

    TOKEN_ENDPOINT_AUTH_METHODS = APP_AUTH_METHODS

    def validate_authorization_request(self) -> str:
        redirect_uri: str = super().validate_authorization_request()
        if self.request.payload.data.get("aud", "").rstrip("/") != self.server.base_url:
            raise InvalidRequestError(
                "'aud' must be this server's FHIR base URL", redirect_uri=redirect_uri
            )
        try:
            _require_resource_scope(self.request.scope)
        except InvalidScopeError as error:
            error.redirect_uri = redirect_uri
            raise
        return redirect_uri

    def save_authorization_code(self, code: str, request: Any) -> None:
        approval: Approval = request.user
        records.save_code(
            _conn(self),
            code,
            {
                "client_id": request.client.client_id,
                "redirect_uri": request.payload.redirect_uri or "",
                "scope": approval.scope,
                "grant_id": approval.grant_id,
                "nonce": request.payload.data.get("nonce"),
                "code_challenge": request.payload.data.get("code_challenge"),
                "expires_at": records.now() + self.server.settings["AUTH_CODE_TTL"],
            },
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        return records.take_code(_conn(self), code, client.client_id)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Codes are marked used when taken; a second use revokes the grant."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Approval:
        return authorization_code.approval


class RefreshGrant(grants.RefreshTokenGrant):
    """Refresh with rotation; reusing a rotated refresh token revokes its whole family."""

    TOKEN_ENDPOINT_AUTH_METHODS = APP_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> StoredToken | None:
        conn = _conn(self)
        stored = records.find_refresh(conn, refresh_token)
        if stored is None:
            return None
        if stored.rotated:
            records.revoke_family(conn, stored.family_id)
            return None
        expiry = records.grant_expiry(conn, stored.grant_id)
        ends = stored.refresh_expires_at or 0
        if (
            stored.revoked
            or ends < records.now()
            or (expiry is not None and expiry < records.now())
        ):
            return None
        return stored

    def authenticate_user(self, refresh_token: StoredToken) -> Approval:
        return Approval(
            int(refresh_token.subject or 0),
            refresh_token.grant_id or "",
            refresh_token.patient_id,
            refresh_token.fhir_user,
            refresh_token.scope,
            refresh_token.kind,
        )

    def revoke_old_credential(self, refresh_token: StoredToken) -> None:
        records.mark_rotated(_conn(self), refresh_token.token_id)


class BackendGrant(grants.ClientCredentialsGrant):
    """SMART Backend Services: client credentials with a signed JWT assertion only."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]

    def validate_token_request(self) -> None:
        super().validate_token_request()
        _require_resource_scope(self.request.client.get_allowed_scope(self.request.payload.scope))


class PrivateKeyJwt(JWTBearerClientAssertion):
    """``private_key_jwt`` client authentication (RFC 7523 section 2.2), RS384 or ES384."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, server: Any) -> None:
        super().__init__(validate_jti=True, leeway=60)
        self.server = server

    def get_audiences(self) -> list[str]:
        return [self.server.token_url]

    def validate_jti(self, claims: Any, jti: str) -> bool:
        expires = int(claims.get("exp", records.now() + 300))
        return records.first_use_of_jti(self.server.connection(), str(claims["sub"]), jti, expires)

    def resolve_client_public_key(self, client: Client) -> KeySet:
        if client.jwks:
            return KeySet.import_key_set(_loads(client.jwks))
        if client.jwks_uri:
            try:
                response = requests.get(client.jwks_uri, timeout=5)
                response.raise_for_status()
                return KeySet.import_key_set(response.json())
            except (requests.RequestException, ValueError, JoseError) as exc:
                raise InvalidClientError(description="the client's JWKS cannot be fetched") from exc
        return KeySet([])

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=list(ASSERTION_ALGORITHMS))
        except (JoseError, ValueError) as exc:
            raise InvalidClientError(description="the client assertion is not valid") from exc
        self.verify_claims(token.claims)
        return token.claims


def _require_resource_scope(scope: str | None) -> None:
    """Refuse a request that would be granted no resource access at all."""
    if not any(scopes.parse_resource_scope(s) for s in scopes.split(scope)):
        raise InvalidScopeError("no requested scope can be granted to this client")


def _loads(text: str) -> Any:
    import json

    return json.loads(text)
