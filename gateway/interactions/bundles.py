"""Bundles assembled from stored bytes: resources are spliced in, never re-encoded.

https://hl7.org/fhir/R4/bundle.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson


def entry_bytes(resource: bytes | None, **fields: Any) -> bytes:
    """One Bundle entry: ``fullUrl`` first, then the stored ``resource`` bytes, then the rest."""
    parts: list[bytes] = []
    full_url = fields.pop("fullUrl", None)
    if full_url is not None:
        parts.append(b'"fullUrl":' + orjson.dumps(full_url))
    if resource:
        parts.append(b'"resource":' + resource)
    rest = {k: v for k, v in fields.items() if v is not None}
    if rest:
        parts.append(orjson.dumps(rest)[1:-1])
    return b"{" + b",".join(parts) + b"}"


def bundle_bytes(header: Mapping[str, Any], entries: Iterable[bytes]) -> bytes:
    """A Bundle from its header fields (resourceType, type, total, link ...) and entries."""
    head = orjson.dumps({"resourceType": "Bundle", **header})
    body = b",".join(entries)
    if not body:
        return head
    return head[:-1] + b',"entry":[' + body + b"]}"
