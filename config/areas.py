"""The setting schemas, one per area; :func:`config.settings.load_settings` merges them.

Each key is UPPER_SNAKE and read from the environment as ``GATEWAY_<KEY>``. An area adds a
schema class here (or in its own module listed in ``AREAS``); keys must not overlap.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from config.auth_settings import AuthSettings


class CoreSettings(Schema):
    """Process, database and HTTP settings."""

    ENV = fields.String(
        load_default="development", validate=validate.OneOf(["development", "test", "production"])
    )
    DATABASE_URL = fields.String(load_default="sqlite:///instance/gateway.db")
    BASE_URL = fields.Url(load_default="http://127.0.0.1:8080/fhir", require_tld=False)
    MAX_BODY_BYTES = fields.Integer(load_default=10 * 1024 * 1024, validate=validate.Range(1024))
    LOG_LEVEL = fields.String(
        load_default="INFO", validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR"])
    )
    DB_POOL_SIZE = fields.Integer(load_default=5, validate=validate.Range(1, 200))
    DEMO_DATA = fields.Boolean(load_default=False)


class SearchSettings(Schema):
    """Search limits, documented in the CapabilityStatement."""

    SEARCH_DEFAULT_COUNT = fields.Integer(load_default=20, validate=validate.Range(1, 1000))
    SEARCH_MAX_COUNT = fields.Integer(load_default=200, validate=validate.Range(1, 1000))
    SEARCH_MAX_INCLUDES = fields.Integer(load_default=1000, validate=validate.Range(1, 100000))


AREAS: tuple[type[Schema], ...] = (CoreSettings, SearchSettings, AuthSettings)
