"""Index rows follow every write: create, update (rows replaced), delete (rows removed)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from auth.context import AccessContext
from gateway.interactions.messages import FhirRequest
from gateway.interactions.search import matching_ids, search
from gateway.search.commands import reindex
from gateway.store.index_tables import ALL_TABLES, search_compartment
from gateway.store.repository import Repository
from tests.conftest import BASE_URL
from tests.integration.search.conftest import SETTINGS

pytestmark = pytest.mark.integration


def _ids(engine: Engine, rtype: str, *params: tuple[str, str]) -> set[str]:
    request = FhirRequest("GET", BASE_URL, rtype, params=params)
    with engine.connect() as conn:
        body = search(request, AccessContext.internal(), conn, SETTINGS).body
    assert body is not None
    return {e["resource"]["id"] for e in orjson.loads(body).get("entry", [])}


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in ALL_TABLES
        )


def _write(engine: Engine, body: dict[str, Any]) -> None:
    with engine.begin() as conn:
        Repository(conn).update(body["resourceType"], body["id"], body)


def test_update_replaces_index_rows(engine: Engine) -> None:
    _write(engine, {"resourceType": "Patient", "id": "p", "name": [{"family": "Old"}]})
    _write(engine, {"resourceType": "Patient", "id": "p", "name": [{"family": "New"}]})
    assert _ids(engine, "Patient", ("family", "new")) == {"p"}
    assert _ids(engine, "Patient", ("family", "old")) == set()


def test_delete_removes_index_rows_and_matches(engine: Engine) -> None:
    _write(engine, {"resourceType": "Patient", "id": "p", "name": [{"family": "Gone"}]})
    _write(
        engine,
        {
            "resourceType": "Observation",
            "id": "o",
            "status": "final",
            "code": {"text": "x"},
            "subject": {"reference": "Patient/p"},
        },
    )
    with engine.begin() as conn:
        Repository(conn).delete("Observation", "o")
        Repository(conn).delete("Patient", "p")
    assert _ids(engine, "Patient", ("family", "gone")) == set()
    assert _rows(engine) == 0


def test_compartment_membership_follows_the_subject(engine: Engine) -> None:
    obs = {
        "resourceType": "Observation",
        "id": "o",
        "status": "final",
        "code": {"text": "x"},
        "subject": {"reference": "Patient/a"},
    }
    _write(engine, obs)
    _write(engine, {**obs, "subject": {"reference": "Patient/b"}})
    with engine.connect() as conn:
        members = conn.execute(select(search_compartment.c.patient_id)).scalars().all()
    assert members == ["b"]


def test_matching_ids_for_conditional_writes(engine: Engine) -> None:
    for pid in ("x", "y"):
        _write(engine, {"resourceType": "Patient", "id": pid, "identifier": [{"value": "dup"}]})
    with engine.connect() as conn:
        assert sorted(
            matching_ids(conn, "Patient", [("identifier", "dup")], AccessContext.internal())
        ) == ["x", "y"]
        assert (
            matching_ids(conn, "Patient", [("identifier", "none")], AccessContext.internal()) == []
        )


def test_reindex_rebuilds_the_same_rows(engine: Engine) -> None:
    _write(
        engine, {"resourceType": "Patient", "id": "p", "name": [{"family": "Re"}], "gender": "male"}
    )
    before = _rows(engine)
    assert reindex(engine, batch=1) == 1
    assert _rows(engine) == before
    assert _ids(engine, "Patient", ("gender", "male")) == {"p"}


def _bp(systolic: float) -> dict[str, Any]:
    def component(code: str, value: float) -> dict[str, Any]:
        coding = {"system": "http://loinc.org", "code": code}
        return {"code": {"coding": [coding]}, "valueQuantity": {"value": value}}

    return {
        "resourceType": "Observation",
        "id": "bp",
        "status": "final",
        "code": {"text": "bp"},
        "component": [component("8480-6", systolic), component("8462-4", 80)],
    }


def test_update_replaces_grouped_composite_rows(engine: Engine) -> None:
    _write(engine, _bp(150))
    _write(engine, _bp(110))
    ccvq = "component-code-value-quantity"
    assert _ids(engine, "Observation", (ccvq, "8480-6$gt140")) == set()
    assert _ids(engine, "Observation", (ccvq, "8480-6$lt120")) == {"bp"}


def test_position_rows_follow_update_and_delete(engine: Engine) -> None:
    place = {"resourceType": "Location", "id": "l", "position": {"latitude": 10, "longitude": 20}}
    _write(engine, place)
    _write(engine, {**place, "position": {"latitude": -10, "longitude": 20}})
    assert _ids(engine, "Location", ("near", "10|20|1|km")) == set()
    assert _ids(engine, "Location", ("near", "-10|20|1|km")) == {"l"}
    with engine.begin() as conn:
        Repository(conn).delete("Location", "l")
    assert _ids(engine, "Location", ("near", "-10|20|1|km")) == set()
    assert _rows(engine) == 0


def test_reindex_rebuilds_grouped_and_position_rows(engine: Engine) -> None:
    _write(engine, _bp(150))
    _write(
        engine, {"resourceType": "Location", "id": "l", "position": {"latitude": 1, "longitude": 2}}
    )
    before = _rows(engine)
    assert reindex(engine, batch=1) == 2
    assert _rows(engine) == before
    assert _ids(engine, "Observation", ("component-code-value-quantity", "8480-6$150")) == {"bp"}
    assert _ids(engine, "Location", ("near", "1|2|1|km")) == {"l"}
