"""Signing key and session secret loading: production refuses generated keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from auth.keys import AuthConfigError, load_keys

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("keys")
    key, secret = folder / "signing.pem", folder / "session.secret"
    key.write_bytes(RSAKey.generate_key(2048).as_pem(private=True))
    secret.write_text("s" * 40)
    return str(key), str(secret)


def test_production_without_key_files_is_refused() -> None:
    with pytest.raises(AuthConfigError, match="production"):
        load_keys({"ENV": "production"})


def test_production_with_key_files_loads_them(key_files: tuple[str, str]) -> None:
    key, secret = key_files
    keys = load_keys(
        {"ENV": "production", "AUTH_SIGNING_KEY_FILE": key, "AUTH_SESSION_SECRET_FILE": secret}
    )
    public = keys.jwks()["keys"][0]
    assert public["kty"] == "RSA"
    assert "d" not in public
    assert keys.session_secret == b"s" * 40


def test_short_session_secret_is_refused(key_files: tuple[str, str], tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_text("too short")
    with pytest.raises(AuthConfigError, match="32 bytes"):
        load_keys({"ENV": "test", "AUTH_SESSION_SECRET_FILE": str(short)})


def test_unreadable_key_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(AuthConfigError, match="signing key"):
        load_keys({"ENV": "test", "AUTH_SIGNING_KEY_FILE": str(bad)})
