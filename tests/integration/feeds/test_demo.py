"""The deterministic member-side demo generator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gateway.ingest.demo.members import LOGIN_MEMBERS, REPRESENTATIVE, write_member_feeds
from gateway.ingest.demo.network import write_network_feeds
from tests.conftest import SHARED
from tests.integration.feeds.pool import LINES, small_pool

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo")
    return out, write_member_feeds(out, small_pool(), 80, seed=42)


def _members(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "members.csv").read_text().splitlines()))


def test_counts_match_the_files(demo: tuple[Path, dict[str, int]]) -> None:
    out, counts = demo
    assert counts["members.csv"] == 80 == len(_members(out))
    assert counts["claims.jsonl"] == len((out / "claims.jsonl").read_text().splitlines())


def test_same_seed_gives_the_same_files(tmp_path: Path, demo: tuple[Path, dict[str, int]]) -> None:
    write_member_feeds(tmp_path, small_pool(), 80, seed=42)
    out, _ = demo
    assert (tmp_path / "members.csv").read_bytes() == (out / "members.csv").read_bytes()
    assert (tmp_path / "claims.jsonl").read_bytes() == (out / "claims.jsonl").read_bytes()


def test_synthea_patients_come_first_with_their_demographics(
    demo: tuple[Path, dict[str, int]],
) -> None:
    out, _ = demo
    ndjson = SHARED / "data" / "synthea-10-patients" / "Patient.000.ndjson"
    synthea = [json.loads(line) for line in ndjson.read_text().splitlines()]
    members = _members(out)
    bundles = len(list((SHARED / "data" / "synthea-bundles").glob("*_*.json")))
    first = members[bundles]  # after the bundle patients come the NDJSON ones
    assert (first["family"], first["birth_date"], first["gender"]) == (
        synthea[0]["name"][0]["family"],
        synthea[0]["birthDate"],
        synthea[0]["gender"],
    )
    assert all(m["member_id"].startswith("SYN-") for m in members[: bundles + len(synthea)])


def test_demo_logins_and_representative_household_exist(demo: tuple[Path, dict[str, int]]) -> None:
    out, _ = demo
    by_id = {m["member_id"]: m for m in _members(out)}
    assert set(LOGIN_MEMBERS) <= set(by_id)
    children = [m for m in by_id.values() if m["subscriber_id"] == REPRESENTATIVE]
    assert len([c for c in children if c["relationship"] == "child"]) == 2


def test_every_line_of_business_and_claim_type_appears(demo: tuple[Path, dict[str, int]]) -> None:
    out, _ = demo
    assert {m["line_of_business"] for m in _members(out)} == set(LINES)
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().splitlines()]
    assert {c["claim_type"] for c in claims} == {
        "professional",
        "pharmacy",
        "inpatient",
        "outpatient",
        "oral",
    }
    assert min(c["billable_start"] for c in claims) < "2017-01-01"
    assert any(c["under_appeal"] for c in claims)
    assert any(c["payment_status"] == "denied" for c in claims)


def test_demo_logins_point_at_generated_members(demo: tuple[Path, dict[str, int]]) -> None:
    from gateway.ingest.demo.extras import demo_accounts
    from gateway.ingest.feeds.registry import kind_named
    from mappings.ids import resource_id

    out, _ = demo
    rows = {row["member_id"]: row for row in _members(out)}
    members = {resource_id("member", member_id): member_id for member_id in rows}
    accounts = {a.username: a for a in demo_accounts()}
    assert [members[p] for p in accounts["demo-member-1"].patient_ids] == ["SYN-0014"]
    assert [members[p] for p in accounts["demo-member-2"].patient_ids] == ["DEMO-0001"]
    represented = [members[p] for p in accounts["demo-representative"].patient_ids]
    assert represented == ["DEMO-0004", "DEMO-0005"]
    kind = kind_named("members")
    mapped = kind.to_fhir(kind.schema().load(rows["DEMO-0004"]))
    related = [r["id"] for r in mapped if r["resourceType"] == "RelatedPerson"]
    assert accounts["demo-representative"].fhir_user == f"RelatedPerson/{related[0]}"
    assert accounts["demo-auditor"].patient_ids == ()


def test_prior_authorization_facility_is_a_location_of_the_network(tmp_path: Path) -> None:
    pool, _counts = write_network_feeds(tmp_path)
    write_member_feeds(tmp_path, pool, 12, seed=5)
    locations = {json.loads(line)["key"] for line in _lines(tmp_path / "locations.jsonl")}
    auths = [json.loads(line) for line in _lines(tmp_path / "authorizations.jsonl")]
    facilities = [auth["facility_location_key"] for auth in auths]
    assert facilities
    assert set(facilities) <= locations


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()
