"""A body serialized ahead of its write is stored as the same bytes as one serialized whole."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from gateway.store.records import fhir_instant
from gateway.store.serialized import Serialized, content_hash_of

pytestmark = pytest.mark.unit
AT = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)


def _whole(rtype: str, rid: str, body: dict[str, Any], version: int) -> bytes:
    """What the store served before: the stamped body serialized in one piece."""
    meta = {**(body.get("meta") or {}), "versionId": str(version), "lastUpdated": fhir_instant(AT)}
    data = {"resourceType": rtype, "id": rid, "meta": meta}
    data.update((k, v) for k, v in body.items() if k not in ("resourceType", "id", "meta"))
    return orjson.dumps(data)


BODIES = [
    {"resourceType": "Patient", "id": "a", "name": [{"family": "Ames", "given": ["Å"]}]},
    {"resourceType": "Patient", "id": "a"},  # nothing but the server-set elements
    {"id": "a", "gender": "female", "resourceType": "Patient"},  # resourceType last
    {  # meta of its own, with stale server values that the write replaces in place
        "resourceType": "Patient",
        "meta": {"versionId": "9", "profile": ["http://x/p"], "lastUpdated": "2020-01-01"},
        "active": True,
        "multipleBirthInteger": 2,
        "extension": [{"url": "http://x/e", "valueDecimal": 1.5}],
    },
]


@pytest.mark.parametrize("body", BODIES)
def test_served_bytes_equal_the_whole_body_serialized(body: dict[str, Any]) -> None:
    serialized = Serialized.of("Patient", "a", body)
    assert serialized.served(3, AT) == _whole("Patient", "a", body, 3)
    assert orjson.loads(serialized.served(3, AT))["meta"]["versionId"] == "3"


def test_content_hash_ignores_server_set_meta_only() -> None:
    plain = {"resourceType": "Patient", "id": "a", "active": True}
    stamped = {**plain, "meta": {"versionId": "4", "lastUpdated": "2026-01-01T00:00:00Z"}}
    assert Serialized.of("Patient", "a", stamped).content_hash == content_hash_of(plain)
    profiled = {**plain, "meta": {"profile": ["http://x/p"]}}
    assert content_hash_of(profiled) != content_hash_of(plain)
    assert content_hash_of({**plain, "active": False}) != content_hash_of(plain)
