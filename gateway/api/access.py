"""The bridge from an HTTP request to an AccessContext (auth area replaces the body)."""

from __future__ import annotations

from auth.context import AccessContext


def access_context(authorization: str | None) -> AccessContext:
    """The caller's access for an ``Authorization`` header value.

    Until the SMART authorization server lands every caller gets internal access; the auth area
    replaces this with token verification (401 with ``WWW-Authenticate`` on a bad token).
    """
    return AccessContext.internal()
