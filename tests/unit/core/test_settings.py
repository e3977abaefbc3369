"""Settings: defaults, GATEWAY_* overrides, clear errors."""

from __future__ import annotations

import pytest

from config import ConfigError, load_settings

pytestmark = pytest.mark.unit


def test_defaults_are_embedded_sqlite() -> None:
    settings = load_settings(environ={})
    assert settings["DATABASE_URL"].startswith("sqlite:///")
    assert settings["SEARCH_DEFAULT_COUNT"] <= settings["SEARCH_MAX_COUNT"]


def test_environment_overrides_defaults() -> None:
    settings = load_settings(environ={"GATEWAY_SEARCH_MAX_COUNT": "50", "OTHER": "x"})
    assert settings["SEARCH_MAX_COUNT"] == 50


def test_settings_are_read_only() -> None:
    settings = load_settings(environ={})
    with pytest.raises(TypeError):
        settings["ENV"] = "production"  # type: ignore[index]


def test_bad_values_name_every_key() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(environ={"GATEWAY_SEARCH_MAX_COUNT": "many", "GATEWAY_ENV": "prod"})
    message = str(error.value)
    assert "GATEWAY_SEARCH_MAX_COUNT" in message
    assert "GATEWAY_ENV" in message


def test_inconsistent_counts_are_refused() -> None:
    with pytest.raises(ConfigError, match="SEARCH_DEFAULT_COUNT"):
        load_settings(
            environ={"GATEWAY_SEARCH_DEFAULT_COUNT": "100", "GATEWAY_SEARCH_MAX_COUNT": "10"}
        )


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings(environ={"GATEWAY_DATABASE_URL": "mysql://x"})


def test_unknown_override_is_refused() -> None:
    with pytest.raises(ConfigError, match="NOPE"):
        load_settings({"NOPE": 1}, environ={})
