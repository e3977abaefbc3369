"""Settings of the SMART authorization server (``GATEWAY_AUTH_*``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AuthSettings(Schema):
    """Token lifetimes, keys and login throttling for the authorization server."""

    # PEM file with the RSA private key that signs id_tokens; required in production.
    AUTH_SIGNING_KEY_FILE = fields.String(load_default=None, allow_none=True)
    # File with the secret that signs the member pages' session cookie; required in production.
    AUTH_SESSION_SECRET_FILE = fields.String(load_default=None, allow_none=True)
    AUTH_ACCESS_TOKEN_TTL = fields.Integer(load_default=3600, validate=validate.Range(60, 86400))
    AUTH_ONLINE_REFRESH_TTL = fields.Integer(
        load_default=8 * 3600, validate=validate.Range(300, 30 * 86400)
    )
    # A grant (consent) with offline_access lasts 13 months; it bounds every refresh.
    AUTH_OFFLINE_GRANT_DAYS = fields.Integer(load_default=396, validate=validate.Range(1, 400))
    AUTH_CODE_TTL = fields.Integer(load_default=300, validate=validate.Range(30, 600))
    AUTH_LOGIN_MAX_FAILURES = fields.Integer(load_default=5, validate=validate.Range(1, 100))
    AUTH_LOGIN_LOCK_SECONDS = fields.Integer(load_default=900, validate=validate.Range(1, 86400))
