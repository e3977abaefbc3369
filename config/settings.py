"""Load and validate settings: defaults, overridden by ``GATEWAY_*`` variables, then by code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from marshmallow import Schema, ValidationError

from config.areas import AREAS

ENV_PREFIX = "GATEWAY_"

Settings = Mapping[str, Any]


class ConfigError(Exception):
    """A missing or bad setting; the message names each key and what is wrong with it."""


def _schema_fields() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for area in AREAS:
        for name, field in area().fields.items():
            if name in merged:
                raise ConfigError(f"setting {name} is declared by two areas")
            merged[name] = field
    return merged


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Validated, read-only settings; raises :class:`ConfigError` naming every bad key."""
    env = os.environ if environ is None else environ
    schema_cls = Schema.from_dict(_schema_fields(), name="GatewaySettings")
    raw: dict[str, Any] = {
        key[len(ENV_PREFIX) :]: value
        for key, value in env.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :] in schema_cls().fields
    }
    raw.update(overrides or {})
    unknown = sorted(set(overrides or {}) - set(schema_cls().fields))
    if unknown:
        raise ConfigError("unknown setting(s): " + ", ".join(unknown))
    try:
        loaded = schema_cls().load(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"GATEWAY_{key}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
            for key, msgs in sorted(_messages(exc).items())
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
    _check_consistency(loaded)
    return MappingProxyType(loaded)


def _messages(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages
    return messages if isinstance(messages, dict) else {"_schema": messages}


def _check_consistency(settings: Mapping[str, Any]) -> None:
    if settings["SEARCH_DEFAULT_COUNT"] > settings["SEARCH_MAX_COUNT"]:
        raise ConfigError("GATEWAY_SEARCH_DEFAULT_COUNT must not exceed GATEWAY_SEARCH_MAX_COUNT")
    if not str(settings["DATABASE_URL"]).startswith(("sqlite", "postgresql")):
        raise ConfigError("GATEWAY_DATABASE_URL must be a sqlite:// or postgresql+psycopg:// URL")
