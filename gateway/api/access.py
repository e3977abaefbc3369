"""The bridge from an HTTP request to an AccessContext: bearer token -> context, or 401.

No header: anonymous (Provider Directory only). A token sent anyway is always validated, so a
bad token answers 401 even on directory URLs. https://www.rfc-editor.org/rfc/rfc6750#section-3
"""

from __future__ import annotations

from auth.context import AccessContext
from auth.tokens import InvalidToken, verify
from gateway.api.db import connection, gateway_state
from gateway.errors import Unauthorized


def access_context(authorization: str | None) -> AccessContext:
    """The caller's access for an ``Authorization`` header value (401 on a bad token)."""
    if authorization is None:
        return AccessContext.anonymous()
    try:
        return verify(connection(), authorization, gateway_state().base_url)
    except InvalidToken as exc:
        challenge = f'Bearer realm="fhir", error="{exc.error}"'
        raise Unauthorized(exc.description, headers={"WWW-Authenticate": challenge}) from None
