"""Each record kind maps to exactly the FHIR JSON kept in tests/golden/members/ (golden files).

Regenerate after an intended mapping change with ``GOLDEN_UPDATE=1 pytest tests/unit/mappings``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mappings import claims, members
from mappings.models import to_json
from tests.unit.mappings.samples import DEPENDENT, PHARMACY, SAMPLES, SUBSCRIBER, sample_json

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "members"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_mapping_matches_golden_file(name: str) -> None:
    mapped = sample_json(name)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(json.dumps(mapped, indent=2, sort_keys=True) + "\n")
    assert mapped == json.loads(path.read_text())


def test_model_mappings_return_validated_models_equal_to_the_json() -> None:
    assert to_json(members.to_patient(SUBSCRIBER)) == sample_json("patient-subscriber")
    assert to_json(members.to_coverage(DEPENDENT)) == sample_json("coverage-dependent")
    assert to_json(claims.to_explanation_of_benefit(PHARMACY)) == sample_json("eob-pharmacy")


def test_subscriber_has_no_related_person() -> None:
    assert members.to_related_person(SUBSCRIBER) is None


def test_patient_id_is_opaque_and_member_id_is_an_identifier() -> None:
    patient = sample_json("patient-subscriber")
    assert "DEMO" not in patient["id"]
    values = [i["value"] for i in patient["identifier"]]
    assert SUBSCRIBER.member_id in values


def test_every_eob_outcome_is_complete_and_claims_its_type_profile() -> None:
    for name in SAMPLES:
        if name.startswith("eob-"):
            eob = sample_json(name)
            assert eob["outcome"] == "complete"
            assert eob["meta"]["profile"] == [claims.EOB_PROFILE[SAMPLES[name][1].claim_type]]


def test_denied_claim_under_appeal_carries_reason_and_note() -> None:
    eob = sample_json("eob-professional-denied-appeal")
    reasons = [
        a["reason"]["coding"][0]["code"]
        for a in eob["item"][0]["adjudication"]
        if a["category"]["coding"][0]["code"] == "adjustmentreason"
    ]
    assert reasons == ["197"]
    assert eob["payment"]["type"]["coding"][0]["code"] == "denied"
    assert any("appeal" in note["text"] for note in eob["processNote"])
