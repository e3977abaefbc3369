"""A cookie session that costs nothing when the request carries no session cookie.

Only the member pages use the session; Flask would otherwise build a signing serializer on
every API request (about a quarter of a bare read's cost).
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from gateway.state import GatewayState


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, opened only when the request has the cookie."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask, state: GatewayState) -> None:
    """Install the lazy session interface."""
    app.session_interface = LazyCookieSessionInterface()
