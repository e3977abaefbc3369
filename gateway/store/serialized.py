"""A resource body serialized ahead of its write (ADR 0010).

The store serves a resource as the exact bytes it stored (ADR 0003): ``resourceType``, ``id``
and ``meta`` first (the server sets ``meta.versionId`` and ``meta.lastUpdated``), then the
other elements. Everything but those two meta values is known before the write, so a load
serializes the body and hashes it in its worker processes, and the writing process only splices
the version and time in: :meth:`Serialized.served` gives the same bytes as serializing the
stamped body whole. A NamedTuple, because it crosses process boundaries by pickle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from gateway.store.records import fhir_instant

VOLATILE_META = ("versionId", "lastUpdated")
_SERVER_SET = ("resourceType", "id", "meta")


class Serialized(NamedTuple):
    """A body without its server-set meta values, as JSON bytes, with its content hash."""

    resource_type: str
    id: str
    meta: dict[str, Any]  # the body's own meta; versionId and lastUpdated are set at write
    rest: bytes  # every other element, as one JSON object (b"{}" when there is none)
    content_hash: str

    @classmethod
    def of(cls, resource_type: str, resource_id: str, body: Mapping[str, Any]) -> Serialized:
        """Serialize ``body`` as resource ``resource_type/resource_id``."""
        meta = dict(body.get("meta") or {})
        rest = orjson.dumps({k: v for k, v in body.items() if k not in _SERVER_SET})
        return cls(
            resource_type,
            resource_id,
            meta,
            rest,
            content_hash_of({**body, "resourceType": resource_type, "id": resource_id}),
        )

    def served(self, version: int, now: datetime) -> bytes:
        """The stored and served bytes of version ``version`` written at ``now``."""
        meta = {**self.meta, "versionId": str(version), "lastUpdated": fhir_instant(now)}
        head = orjson.dumps({"resourceType": self.resource_type, "id": self.id, "meta": meta})
        if self.rest == b"{}":
            return head
        return head[:-1] + b"," + self.rest[1:]


def content_hash_of(body: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON (sorted keys) without the server-set meta values.

    An unchanged reload compares this hash with the stored one and writes nothing.
    """
    data = dict(body)
    meta = {k: v for k, v in (data.get("meta") or {}).items() if k not in VOLATILE_META}
    if meta:
        data["meta"] = meta
    else:
        data.pop("meta", None)
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
