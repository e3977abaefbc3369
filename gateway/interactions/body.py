"""Parse and check an inbound resource body: JSON, resourceType, id, FHIR structure."""

from __future__ import annotations

import re
from typing import Any

import orjson

from gateway.errors import Invalid, InvalidResource, MalformedJson
from gateway.fhir import structure_issues

ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
MAX_REPORTED_ISSUES = 20


def parse_json(body: bytes) -> Any:
    """The decoded JSON body; 400 when it is not JSON."""
    if not body.strip():
        raise Invalid("the request has no body")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MalformedJson("the request body is not valid JSON") from None


def check_resource(data: Any, expected_type: str | None, where: str = "") -> dict[str, Any]:
    """``data`` as a resource of ``expected_type`` with valid FHIR structure, else 400.

    ``where`` prefixes issue locations (e.g. ``Bundle.entry[3].resource``).
    """
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise InvalidResource(
            "the body is not a FHIR resource", expression=[where or "resourceType"]
        )
    if expected_type is not None and data["resourceType"] != expected_type:
        raise InvalidResource(
            f"resourceType {data['resourceType']!r} does not match the URL's {expected_type!r}",
            expression=[_at(where, "resourceType")],
        )
    issues = structure_issues(data)
    if issues:
        shown = issues[:MAX_REPORTED_ISSUES]
        summary = "; ".join(f"{_at(where, i.expression)}: {i.message}" for i in shown)
        raise InvalidResource(
            f"the resource is not valid FHIR R4: {summary}",
            expression=[_at(where, i.expression) for i in shown],
        )
    return data


def check_id(resource_id: str) -> None:
    """400 for an id that breaks the FHIR id rules."""
    if not ID_PATTERN.match(resource_id):
        raise Invalid("the resource id must be 1-64 letters, digits, '-' or '.'", expression=["id"])


def _at(where: str, expression: str) -> str:
    if not where:
        return expression
    # Replace the resource type at the head of the expression with the Bundle location.
    _, _, rest = expression.partition(".")
    return f"{where}.{rest}" if rest else where
