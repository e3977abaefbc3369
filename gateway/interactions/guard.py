"""Type-level access checks and compartment visibility, shared by every interaction."""

from __future__ import annotations

from auth.context import AccessContext
from gateway.errors import Forbidden, Unauthorized, UnknownType
from gateway.fhir import is_resource_type

_VERBS = {"c": "create", "r": "read", "u": "update", "d": "delete", "s": "search"}


def require_type(resource_type: str) -> None:
    """404 when the URL names no R4 resource type."""
    if not is_resource_type(resource_type):
        raise UnknownType(f"unknown resource type {resource_type!r}")


def require(ctx: AccessContext, resource_type: str, interaction: str) -> None:
    """401 for an anonymous caller, 403 for a token without the scope; else nothing."""
    if ctx.allows(resource_type, interaction):
        return
    verb = _VERBS[interaction]
    if ctx.kind == "anonymous":
        raise Unauthorized(
            f"{verb} of {resource_type} needs an access token",
            headers={"WWW-Authenticate": 'Bearer realm="fhir"'},
        )
    raise Forbidden(
        f"the access token does not allow {verb} of {resource_type}",
        headers={"WWW-Authenticate": 'Bearer realm="fhir", error="insufficient_scope"'},
    )
