"""An EHR pushing a transaction Bundle: match, rewrite, Provenance, all-or-nothing errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from auth.context import AccessContext, TypeGrant
from gateway.errors import Forbidden, Invalid, InvalidResource
from gateway.ingest.ehr import review
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.push import ingest_bundle
from gateway.store.repository import Repository
from mappings.ids import resource_id
from tests.conftest import SHARED
from tests.integration.ehr.conftest import bodies, count, member_patient

pytestmark = pytest.mark.integration

BUNDLE = SHARED / "data" / "synthea-bundles" / "Fred_Beer_a0c6fb94-31c5-4bac-ba67-26d7f9385fbb.json"
SOURCE = SourceInfo("mass-general", "Mass General")
SYSTEM = AccessContext.internal()


@pytest.fixture(scope="module")
def synthea_bundle() -> dict[str, Any]:
    """The first 60 entries of one Synthea transaction Bundle."""
    bundle: dict[str, Any] = json.loads(BUNDLE.read_text())
    bundle["entry"] = bundle["entry"][:60]
    return bundle


def _seed_member(engine: Engine, bundle: dict[str, Any]) -> str:
    patient = bundle["entry"][0]["resource"]
    with engine.begin() as conn:
        Repository(conn).upsert("Patient", member_patient(patient, "B1"))
    return resource_id("member", "B1")


def test_transaction_is_matched_rewritten_and_answered_entry_by_entry(
    engine: Engine, synthea_bundle: dict[str, Any]
) -> None:
    member = _seed_member(engine, synthea_bundle)
    with engine.begin() as conn:
        response = ingest_bundle(conn, synthea_bundle, SOURCE, SYSTEM)
    assert response["type"] == "transaction-response"
    assert len(response["entry"]) == len(synthea_bundle["entry"])
    assert response["entry"][0]["response"]["location"].startswith(f"Patient/{member}/")
    assert count(engine, "Patient") == 1
    encounters = bodies(engine, "Encounter")
    assert encounters
    assert {e["subject"]["reference"] for e in encounters} == {f"Patient/{member}"}
    assert all("urn:uuid" not in json.dumps(e) for e in encounters)
    targets = {t["reference"] for p in bodies(engine, "Provenance") for t in p["target"]}
    assert {f"Encounter/{e['id']}" for e in encounters} <= targets


def test_pushing_the_same_transaction_twice_changes_nothing(
    engine: Engine, synthea_bundle: dict[str, Any]
) -> None:
    _seed_member(engine, synthea_bundle)
    with engine.begin() as conn:
        ingest_bundle(conn, synthea_bundle, SOURCE, SYSTEM)
    with engine.begin() as conn:
        again = ingest_bundle(conn, synthea_bundle, SOURCE, SYSTEM)
    assert all(
        e["response"]["location"].endswith("/_history/1")
        for e in again["entry"][1:]
        if "location" in e["response"]
    )


def test_entry_failing_its_claimed_profile_fails_the_whole_transaction(
    engine: Engine, synthea_bundle: dict[str, Any]
) -> None:
    _seed_member(engine, synthea_bundle)
    bad = json.loads(json.dumps(synthea_bundle))
    condition = next(
        i for i, e in enumerate(bad["entry"]) if e["resource"]["resourceType"] == "Condition"
    )
    resource = bad["entry"][condition]["resource"]
    resource.pop("category", None)
    resource["meta"] = {
        "profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition"]
    }
    before = count(engine)
    with pytest.raises(InvalidResource) as caught, engine.begin() as conn:
        ingest_bundle(conn, bad, SOURCE, SYSTEM)
    assert caught.value.expression == (f"Bundle.entry[{condition}].resource",)
    assert "required by profile" in caught.value.diagnostics
    assert count(engine) == before


def test_entry_with_bad_structure_is_named_and_nothing_is_written(
    engine: Engine, synthea_bundle: dict[str, Any]
) -> None:
    _seed_member(engine, synthea_bundle)
    bad = json.loads(json.dumps(synthea_bundle))
    bad["entry"][3]["resource"]["status"] = 42
    before = count(engine)
    with pytest.raises(InvalidResource) as caught, engine.begin() as conn:
        ingest_bundle(conn, bad, SOURCE, SYSTEM)
    assert caught.value.expression == ("Bundle.entry[3].resource",)
    assert count(engine) == before


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        (lambda b: b["entry"][2].pop("request"), "Bundle.entry[2].request"),
        (lambda b: b["entry"][2]["request"].update(method="DELETE"), "Bundle.entry[2].request"),
        (lambda b: b.update(type="collection"), "Bundle"),
    ],
)
def test_malformed_bundles_are_refused_naming_the_place(
    engine: Engine, synthea_bundle: dict[str, Any], change: Any, expression: str
) -> None:
    bad = json.loads(json.dumps(synthea_bundle))
    change(bad)
    with pytest.raises(Invalid) as caught, engine.begin() as conn:
        ingest_bundle(conn, bad, SOURCE, SYSTEM)
    assert caught.value.expression[0] == expression
    assert count(engine) == 0


def test_unknown_patient_is_queued_and_its_entries_are_held(
    engine: Engine, synthea_bundle: dict[str, Any]
) -> None:
    with engine.begin() as conn:
        response = ingest_bundle(conn, synthea_bundle, SOURCE, SYSTEM)
    statuses = {e["response"]["status"] for e in response["entry"]}
    assert "202 Accepted" in statuses
    assert count(engine, "Encounter") == 0
    with engine.connect() as conn:
        assert [i["reason"] for i in review.queue(conn)] == ["no-match"]


def test_a_token_without_write_access_cannot_push(
    engine: Engine, synthea_bundle: dict[str, Any]
) -> None:
    reader = AccessContext(kind="system", all_types=TypeGrant(frozenset("rs")))
    with pytest.raises(Forbidden), engine.begin() as conn:
        ingest_bundle(conn, synthea_bundle, SOURCE, reader)
    assert count(engine) == 0
