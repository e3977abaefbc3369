"""Loaded member-side data answers the searches the test kits derive from it (CONFORMANCE §2.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds.loader import load_paths
from mappings.members import patient_id
from tests.integration.feeds.pool import small_pool

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search-feeds")
    write_member_feeds(out, small_pool(), 3, seed=9)
    return out


def _ids(bundle: dict[str, object]) -> list[str]:
    entries = bundle.get("entry") or []
    assert isinstance(entries, list)
    return [e["resource"]["id"] for e in entries]


def test_member_id_finds_the_patient(fhir: FlaskClient, engine: Engine, feeds: Path) -> None:
    load_paths(engine, [feeds])
    response = fhir.get("/fhir/Patient?identifier=SYN-0001")
    assert response.status_code == 200
    assert _ids(response.get_json()) == [patient_id("SYN-0001")]


def test_unknown_member_id_finds_nothing(fhir: FlaskClient, engine: Engine, feeds: Path) -> None:
    load_paths(engine, [feeds])
    response = fhir.get("/fhir/Patient?identifier=NOT-A-MEMBER")
    assert response.status_code == 200
    assert _ids(response.get_json()) == []


def test_member_eobs_are_found_by_patient(fhir: FlaskClient, engine: Engine, feeds: Path) -> None:
    load_paths(engine, [feeds])
    response = fhir.get(f"/fhir/ExplanationOfBenefit?patient={patient_id('SYN-0001')}&_count=100")
    assert response.status_code == 200
    eobs = response.get_json()["entry"]
    uses = {e["resource"]["use"] for e in eobs}
    assert uses == {"claim", "preauthorization"}
