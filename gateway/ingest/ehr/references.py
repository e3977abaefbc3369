"""References inside EHR resources: find the patient, and rewrite every reference to stored ids.

Forms handled (docs/ehr-feeds.md "References"): ``Type/id`` in the feed's id space,
conditional ``Type?identifier=system|value`` (Synthea), ``urn:uuid:`` (translated by the Bundle
reader to ``Type/id`` first), ``#contained`` and absolute URLs (kept as they are).
https://hl7.org/fhir/R4/references.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

Resolve = Callable[[str], str]

_PATIENT_FIELDS = ("subject", "patient", "beneficiary")


class UnresolvedReference(Exception):
    """A reference the pipeline cannot place (kept out of responses: we write the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def patient_reference(resource: Mapping[str, Any]) -> str | None:
    """The feed's id of the Patient a resource is about, from subject/patient/beneficiary."""
    for name in _PATIENT_FIELDS:
        value = resource.get(name)
        ref = value.get("reference") if isinstance(value, dict) else None
        if isinstance(ref, str) and ref.startswith("Patient/"):
            return ref.removeprefix("Patient/")
    return None


def all_references(node: Any) -> Iterator[str]:
    """Every ``reference`` string in a resource."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            elif isinstance(value, dict | list):
                yield from all_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_references(item)


def rewrite(node: Any, resolve: Resolve) -> Any:
    """A copy of ``node`` with each ``reference`` replaced by ``resolve(reference)``."""
    if isinstance(node, dict):
        return {
            k: resolve(v) if k == "reference" and isinstance(v, str) else rewrite(v, resolve)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [rewrite(item, resolve) for item in node]
    return node


def replace_references(node: Any, stored: Mapping[str, str]) -> Any:
    """``node`` itself, each ``reference`` found in ``stored`` replaced in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                node[key] = stored.get(value, value)
            elif isinstance(value, dict | list):
                replace_references(value, stored)
    elif isinstance(node, list):
        for item in node:
            replace_references(item, stored)
    return node


def parse(reference: str) -> tuple[str, str, str] | None:
    """``("local", Type, id)``, ``("identifier", Type, system|value)`` or ``None`` to keep."""
    if reference.startswith(("#", "http://", "https://")):
        return None
    if reference.startswith(("urn:uuid:", "urn:oid:")):
        raise UnresolvedReference("a urn reference that names no entry of the Bundle")
    head, _, query = reference.partition("?")
    if query:
        params = parse_qsl(query, keep_blank_values=True)
        if len(params) != 1 or params[0][0] != "identifier" or "|" not in params[0][1]:
            raise UnresolvedReference("only conditional references by identifier are supported")
        return ("identifier", head, params[0][1])
    parts = reference.split("/")
    if len(parts) == 2 and parts[0][:1].isupper() and parts[1]:
        return ("local", parts[0], parts[1])
    if len(parts) == 4 and parts[2] == "_history":
        return ("local", parts[0], parts[1])
    raise UnresolvedReference("a reference that is neither Type/id nor Type?identifier=")
