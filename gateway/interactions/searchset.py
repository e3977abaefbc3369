"""Assemble a searchset Bundle from stored bytes, without re-encoding each resource.

Bodies are stored as the exact compact JSON served (DESIGN D1), so entries are spliced in as
bytes; only ``_elements``/``_summary`` parse a body (PERFORMANCE.md: re-encoding 20
resources costs more than the whole bare request). https://hl7.org/fhir/R4/bundle.html
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson

from gateway.store.records import fhir_instant

SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
}
_MANDATORY = ("resourceType", "id", "meta")
SEARCH_MODES = ("match", "include", "outcome")


def bundle(
    entries: Sequence[tuple[str, bytes, str]],
    links: Sequence[tuple[str, str]],
    total: int | None = None,
) -> bytes:
    """A searchset Bundle: entries are (fullUrl, resource bytes, search mode).

    The bytes :func:`~gateway.interactions.bundles.bundle_bytes` would make, in one join, so
    each stored body is copied once.
    """
    head: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": fhir_instant(datetime.now(UTC))},
        "type": "searchset",
    }
    if total is not None:
        head["total"] = total
    head["link"] = [{"relation": rel, "url": url} for rel, url in links]
    encoded = orjson.dumps(head)
    if not entries:
        return encoded
    parts = [encoded[:-1], b',"entry":[']
    for full_url, body, mode in entries:
        parts += (b'{"fullUrl":', orjson.dumps(full_url), b',"resource":', body, _MODES[mode])
    parts[-1] = parts[-1][:-1] + b"]}"  # no comma after the last entry
    return b"".join(parts)


_MODES = {mode: b',"search":{"mode":"%s"}},' % mode.encode() for mode in SEARCH_MODES}


@cache
def summary_elements(resource_type: str) -> frozenset[str]:
    """The element names marked as summary in the R4 definitions of ``resource_type``."""
    from gateway.fhir import model_class

    fields = model_class(resource_type).model_fields
    names = {
        str(f.alias or name)
        for name, f in fields.items()
        if isinstance(f.json_schema_extra, dict)
        and f.json_schema_extra.get("summary_element_property")
    }
    return frozenset(names | {f"_{n}" for n in names})


def shape(body: bytes, resource_type: str, summary: str | None, elements: Sequence[str]) -> bytes:
    """Apply ``_summary`` (true, text, data) or ``_elements`` to one stored resource."""
    if not elements and summary not in ("true", "text", "data"):
        return body
    data: dict[str, Any] = orjson.loads(body)
    if summary == "data":
        data.pop("text", None)
        keep = set(data)
    elif summary == "text":
        keep = {"text"}
    elif summary == "true":
        keep = set(summary_elements(resource_type))
    else:
        keep = set(elements) | {f"_{e}" for e in elements}
    shaped = {k: v for k, v in data.items() if k in keep or k in _MANDATORY}
    meta = dict(shaped.get("meta") or {})
    meta["tag"] = [*(meta.get("tag") or []), SUBSETTED]
    shaped["meta"] = meta
    return orjson.dumps(shaped)


def outcome_entry(diagnostics: str) -> tuple[str, bytes, str]:
    """An OperationOutcome entry (search.mode outcome) carrying a warning."""
    issue = {"severity": "warning", "code": "too-costly", "diagnostics": diagnostics}
    body = orjson.dumps({"resourceType": "OperationOutcome", "issue": [issue]})
    return f"urn:uuid:{uuid.uuid4()}", body, "outcome"
