"""The plain request and response that interactions take and return (no HTTP framework)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.fhir import FHIR_JSON


@dataclass(frozen=True, slots=True)
class FhirRequest:
    """A FHIR REST request, already routed: base URL, type, id, version, query and body.

    ``params`` keeps the order and repetition of the query string (AND by repetition).
    ``headers`` has lower-case names. ``base_url`` is absolute and has no trailing slash.
    """

    method: str
    base_url: str
    resource_type: str | None = None
    resource_id: str | None = None
    version_id: str | None = None
    operation: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A header by lower-case name."""
        return self.headers.get(name)

    def param_values(self, name: str) -> list[str]:
        """Every value given for a query parameter, in order."""
        return [value for key, value in self.params if key == name]


@dataclass(slots=True)
class FhirResponse:
    """What an interaction answers: status, the exact body bytes and the headers to send."""

    status: int
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = FHIR_JSON
    # ``Type/id`` of every resource returned or written, for the audit log.
    resource_ids: tuple[str, ...] = ()
