"""The server's signing key (id_tokens) and the session secret, from configuration.

Generated only in development and test, with a logged warning; production refuses to start
without them (GATEWAY_AUTH_SIGNING_KEY_FILE, GATEWAY_AUTH_SESSION_SECRET_FILE).
https://openid.net/specs/openid-connect-core-1_0.html#Signing
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey

from config import ConfigError

LOG = logging.getLogger("auth.keys")


class AuthConfigError(ConfigError):
    """The authorization server cannot start with these settings (wsgi prints it and exits)."""


@dataclass(frozen=True, slots=True)
class ServerKeys:
    """The RSA signing key (with its ``kid``) and the page session secret."""

    signing: RSAKey
    kid: str
    session_secret: bytes

    def jwks(self) -> dict[str, Any]:
        """The public JWKS served at the jwks_uri."""
        public = self.signing.as_dict(private=False)
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}


def load_keys(settings: Mapping[str, Any]) -> ServerKeys:
    """The keys named by the settings; generated (with a warning) outside production."""
    key_file = settings.get("AUTH_SIGNING_KEY_FILE")
    secret_file = settings.get("AUTH_SESSION_SECRET_FILE")
    production = settings.get("ENV") == "production"
    if production and not (key_file and secret_file):
        raise AuthConfigError(
            "production needs GATEWAY_AUTH_SIGNING_KEY_FILE and GATEWAY_AUTH_SESSION_SECRET_FILE"
        )
    signing = _read_key(key_file) if key_file else _development_key()
    secret = Path(secret_file).read_bytes().strip() if secret_file else _development_secret()
    if len(secret) < 32:
        raise AuthConfigError("the session secret must be at least 32 bytes")
    kid = hashlib.sha256(signing.as_pem(private=False)).hexdigest()[:16]
    return ServerKeys(signing, kid, secret)


def _read_key(path: str) -> RSAKey:
    try:
        return RSAKey.import_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise AuthConfigError(f"cannot read the signing key file {path}") from exc


@lru_cache(maxsize=1)
def _development_key() -> RSAKey:
    LOG.warning("no GATEWAY_AUTH_SIGNING_KEY_FILE: generated a throwaway signing key (dev/test)")
    return RSAKey.generate_key(2048)


@lru_cache(maxsize=1)
def _development_secret() -> bytes:
    LOG.warning("no GATEWAY_AUTH_SESSION_SECRET_FILE: generated a throwaway session secret")
    return secrets.token_bytes(32)
