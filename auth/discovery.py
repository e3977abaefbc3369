"""SMART configuration and OpenID Connect discovery documents, built from what really works.

https://hl7.org/fhir/smart-app-launch/STU2/conformance.html
https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
"""

from __future__ import annotations

from typing import Any

CAPABILITIES = (
    "launch-standalone",
    "launch-ehr",
    "authorize-post",
    "client-public",
    "client-confidential-symmetric",
    "client-confidential-asymmetric",
    "sso-openid-connect",
    "context-standalone-patient",
    "context-ehr-patient",
    "permission-offline",
    "permission-online",
    "permission-patient",
    "permission-user",
    "permission-v1",
    "permission-v2",
)
SCOPES_SUPPORTED = (
    "openid",
    "fhirUser",
    "launch",
    "launch/patient",
    "offline_access",
    "online_access",
    "patient/*.cruds",
    "patient/*.rs",
    "patient/*.read",
    "user/*.rs",
    "user/*.read",
    "user/AuditEvent.rs",
    "system/*.cruds",
    "system/*.rs",
    "system/*.read",
    "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
)
AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "none"]
SIGNING_ALGORITHMS = ["RS384", "ES384"]


def endpoints(base_url: str) -> dict[str, str]:
    """The absolute URLs of the OAuth endpoints for a FHIR base URL."""
    root = base_url.rstrip("/").rsplit("/", 1)[0]
    return {
        "authorization_endpoint": f"{root}/auth/authorize",
        "token_endpoint": f"{root}/auth/token",
        "introspection_endpoint": f"{root}/auth/introspect",
        "revocation_endpoint": f"{root}/auth/revoke",
        "jwks_uri": f"{root}/auth/jwks",
        "management_endpoint": f"{root}/auth/apps",
    }


def smart_configuration(base_url: str) -> dict[str, Any]:
    """The ``[base]/.well-known/smart-configuration`` document (SMART 2.0.0)."""
    return {
        "issuer": base_url.rstrip("/"),
        **endpoints(base_url),
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "response_types_supported": ["code"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": SIGNING_ALGORITHMS,
        "scopes_supported": list(SCOPES_SUPPORTED),
        "capabilities": list(CAPABILITIES),
        "code_challenge_methods_supported": ["S256"],
    }


def openid_configuration(base_url: str) -> dict[str, Any]:
    """The OpenID Provider metadata; the issuer is the FHIR base URL."""
    return {
        "issuer": base_url.rstrip("/"),
        **endpoints(base_url),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "fhirUser"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "fhirUser"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
    }
