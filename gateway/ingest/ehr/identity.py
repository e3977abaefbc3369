"""Which stored resource an EHR resource is: identity keys, stable ids, de-duplication rules.

A resource has several keys (docs/ehr-feeds.md "De-duplication"): its feed's own ``Type/id``,
each ``identifier`` (system|value), and for clinical facts ``type + code + date + member``.
Any key already known names the stored resource; otherwise the id is derived from the
strongest key (``mappings.ids.resource_id``), so a resend lands on the same id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from gateway.ingest.ehr.tables import ehr_identity
from mappings.ids import resource_id

_CODE_FIELDS = ("code", "vaccineCode", "medicationCodeableConcept", "type")
_DATE_FIELDS = (
    "effectiveDateTime",
    "effectivePeriod",
    "onsetDateTime",
    "onsetPeriod",
    "performedDateTime",
    "performedPeriod",
    "occurrenceDateTime",
    "authoredOn",
    "recordedDate",
    "period",
    "date",
    "issued",
)
_CHUNK = 400


def source_key(source: str, resource_type: str, source_id: str) -> str:
    """The key of a resource by its id in the sending feed."""
    return f"src|{source}|{resource_type}|{source_id}"


def identifier_key(resource_type: str, system: str, value: str) -> str:
    """The key of a resource by one of its business identifiers."""
    return f"id|{resource_type}|{system}|{value}"


def identity_keys(source: str, resource: Mapping[str, Any], member_id: str | None) -> list[str]:
    """Every key of ``resource``, strongest first: identifiers, clinical fact, feed id."""
    rtype = str(resource["resourceType"])
    keys = [
        identifier_key(rtype, str(i["system"]), str(i["value"]))
        for i in resource.get("identifier") or []
        if isinstance(i, dict) and i.get("system") and i.get("value")
    ]
    fact = fact_key(resource, member_id)
    if fact:
        keys.append(fact)
    if resource.get("id"):
        keys.append(source_key(source, rtype, str(resource["id"])))
    return keys


def fact_key(resource: Mapping[str, Any], member_id: str | None) -> str | None:
    """``type|code|date|member`` for a patient's coded, dated fact; ``None`` otherwise."""
    if member_id is None:
        return None
    code, date = _first_code(resource), _first_date(resource)
    if not code or not date:
        return None
    return f"fact|{resource['resourceType']}|{code}|{date}|{member_id}"


def derived_id(key: str) -> str:
    """The id a resource first seen under ``key`` gets."""
    return resource_id("ehr", key)


def digest(key: str) -> str:
    """The stored form of a key (fixed length; keys may hold identifiers)."""
    return hashlib.sha256(key.encode()).hexdigest()


class IdentityMap:
    """Keys to stored ids for one batch: prefetched in bulk, new keys written at the end."""

    def __init__(self, conn: Connection, source: str) -> None:
        self.conn = conn
        self.source = source
        self._known: dict[str, tuple[str, str]] = {}
        self._new: dict[str, tuple[str, str, str]] = {}
        self._digests: dict[str, str] = {}  # a batch looks the same keys up several times

    def prefetch(self, keys: Iterable[str]) -> None:
        """Load the stored ids of ``keys`` in a few queries."""
        wanted = sorted({self._digest(k) for k in keys} - self._known.keys())
        c = ehr_identity.c
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self.conn.execute(select(c.key, c.res_id, c.source).where(c.key.in_(chunk)))
            self._known.update((k, (i, s)) for k, i, s in rows)

    def lookup(self, key: str) -> str | None:
        """The stored id under ``key``, if any."""
        hit = self._known.get(self._digest(key))
        return hit[0] if hit else None

    def assign(self, resource_type: str, keys: list[str]) -> str:
        """The id for a resource with ``keys`` (strongest first); unknown keys are recorded.

        The feed's own key wins (references already point at it); a clinical-fact key only
        merges with another feed's resource: two facts of one feed stay two resources.
        """
        usable = [k for k in keys if not self._own_fact(k)]
        found = [i for i in map(self.lookup, reversed(usable)) if i]
        chosen = found[0] if found else derived_id(usable[0])
        for key in usable:
            self.remember(key, resource_type, chosen)
        return chosen

    def remember(self, key: str, resource_type: str, resource_id: str) -> None:
        """Record a key (first met in a reference, or new) as naming ``resource_id``."""
        hashed = self._digest(key)
        if hashed not in self._known:
            self._known[hashed] = (resource_id, self.source)
            self._new[hashed] = (resource_id, self.source, resource_type)

    def flush(self) -> None:
        """Write the keys first seen in this batch."""
        if self._new:
            self.conn.execute(
                insert(ehr_identity),
                [
                    {"key": k, "res_id": i, "source": s, "res_type": t}
                    for k, (i, s, t) in self._new.items()
                ],
            )
            self._new.clear()

    def _digest(self, key: str) -> str:
        hashed = self._digests.get(key)
        if hashed is None:
            hashed = self._digests[key] = digest(key)
        return hashed

    def _own_fact(self, key: str) -> bool:
        hit = self._known.get(self._digest(key))
        return key.startswith("fact|") and hit is not None and hit[1] == self.source


def _first_code(resource: Mapping[str, Any]) -> str | None:
    for name in _CODE_FIELDS:
        value = resource.get(name)
        concept = value[0] if isinstance(value, list) and value else value
        if isinstance(concept, dict):
            for coding in concept.get("coding") or []:
                if isinstance(coding, dict) and coding.get("code"):
                    return f"{coding.get('system', '')}|{coding['code']}"
    return None


def _first_date(resource: Mapping[str, Any]) -> str | None:
    for name in _DATE_FIELDS:
        value = resource.get(name)
        if isinstance(value, dict):
            value = value.get("start")
        if isinstance(value, str) and value:
            return value
    return None
