"""One test per rejection rule of the members and claims feed schemas (DESIGN D8)."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds.claims import ClaimSchema
from gateway.ingest.feeds.members import MemberSchema
from tests.integration.feeds.pool import small_pool

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Valid rows from the generator: a subscriber, a dependent and a claim of each type."""
    out: Path = tmp_path_factory.mktemp("rows")
    write_member_feeds(out, small_pool(), 40, seed=5)
    members = list(csv.DictReader((out / "members.csv").read_text().splitlines()))
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().splitlines()]
    found: dict[str, Any] = {"member": members[0]}
    found["dependent"] = next(m for m in members if m["relationship"] != "self")
    for claim in claims:
        found.setdefault(claim["claim_type"], claim)
    return found


def _member_error(row: dict[str, Any], **changes: str) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        MemberSchema().load({**row, **changes})
    return caught.value.messages  # type: ignore[return-value]


def _claim_error(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        ClaimSchema().load({**copy.deepcopy(row), **changes})
    return caught.value.messages  # type: ignore[return-value]


def test_valid_rows_load(rows: dict[str, Any]) -> None:
    assert MemberSchema().load(rows["member"]).member_id == rows["member"]["member_id"]
    for kind in ("professional", "pharmacy", "inpatient", "outpatient", "oral"):
        assert ClaimSchema().load(rows[kind]).claim_type == kind


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", "1990-02-3"),
        ("gender", "F"),
        ("line_of_business", "POS"),
        ("pcp_npi", "12345"),
        ("state", "Massachusetts"),
        ("email", "not-an-email"),
        ("member_id", "has space"),
        ("payer_naic", "9"),
        ("coverage_status", "pending"),
        ("relationship", "cousin"),
    ],
)
def test_member_field_rule_rejects(rows: dict[str, Any], field: str, value: str) -> None:
    assert field in _member_error(rows["member"], **{field: value})


def test_member_missing_required_column_is_rejected(rows: dict[str, Any]) -> None:
    assert "family" in _member_error(rows["member"], family="")


def test_coverage_end_before_start_is_rejected(rows: dict[str, Any]) -> None:
    assert "coverage_end" in _member_error(rows["member"], coverage_end="2000-01-01")


def test_self_row_must_be_its_own_subscriber(rows: dict[str, Any]) -> None:
    assert "subscriber_id" in _member_error(rows["member"], subscriber_id="SOMEONE-ELSE")


def test_dependent_cannot_be_its_own_subscriber(rows: dict[str, Any]) -> None:
    dependent = rows["dependent"]
    assert "subscriber_id" in _member_error(dependent, subscriber_id=dependent["member_id"])


def test_death_before_birth_is_rejected(rows: dict[str, Any]) -> None:
    assert "deceased_date" in _member_error(rows["member"], deceased_date="1800-01-01")


def test_billable_end_before_start_is_rejected(rows: dict[str, Any]) -> None:
    assert "billable_end" in _claim_error(rows["professional"], billable_end="2000-01-01")


def test_pharmacy_claim_needs_ncpdp_fields(rows: dict[str, Any]) -> None:
    assert "pharmacy" in _claim_error(rows["pharmacy"], pharmacy=None)


def test_institutional_claim_needs_ub04_fields(rows: dict[str, Any]) -> None:
    assert "institutional" in _claim_error(rows["inpatient"], institutional=None)


def test_medical_claim_needs_a_diagnosis(rows: dict[str, Any]) -> None:
    assert "diagnoses" in _claim_error(rows["outpatient"], diagnoses=[])


def test_line_code_system_must_fit_the_claim_type(rows: dict[str, Any]) -> None:
    claim = copy.deepcopy(rows["pharmacy"])
    claim["lines"][0]["code_system"] = "cpt"
    assert "lines" in _claim_error(claim)


def test_oral_claim_is_billed_by_a_practitioner(rows: dict[str, Any]) -> None:
    assert "billing_kind" in _claim_error(rows["oral"], billing_kind="organization")


def test_claim_level_amounts_only_on_institutional_claims(rows: dict[str, Any]) -> None:
    assert "claim_level_amounts" in _claim_error(rows["professional"], claim_level_amounts=True)


def test_line_needs_a_submitted_amount(rows: dict[str, Any]) -> None:
    claim = copy.deepcopy(rows["professional"])
    claim["lines"][0]["amounts"].pop("submitted")
    assert "lines" in _claim_error(claim)


def test_negative_amount_is_rejected(rows: dict[str, Any]) -> None:
    claim = copy.deepcopy(rows["professional"])
    claim["lines"][0]["amounts"]["paid"] = -1
    assert "lines" in _claim_error(claim)


def test_unknown_amount_kind_is_rejected(rows: dict[str, Any]) -> None:
    claim = copy.deepcopy(rows["professional"])
    claim["lines"][0]["amounts"]["bonus"] = 1.0
    assert "lines" in _claim_error(claim)


def test_malformed_icd10_code_is_rejected(rows: dict[str, Any]) -> None:
    claim = copy.deepcopy(rows["professional"])
    claim["diagnoses"][0]["code"] = "diabetes"
    assert "diagnoses" in _claim_error(claim)


def test_unknown_claim_type_is_rejected(rows: dict[str, Any]) -> None:
    assert "claim_type" in _claim_error(rows["professional"], claim_type="vision")


def test_claim_without_lines_is_rejected(rows: dict[str, Any]) -> None:
    assert "lines" in _claim_error(rows["professional"], lines=[])
