"""Reference forms an EHR sends, and the keys that decide identity and de-duplication."""

from __future__ import annotations

import pytest

from gateway.ingest.ehr.identity import fact_key, identity_keys
from gateway.ingest.ehr.profiles import profile_issues
from gateway.ingest.ehr.references import UnresolvedReference, parse, patient_reference

pytestmark = pytest.mark.unit


def test_local_reference_parses_to_type_and_id() -> None:
    assert parse("Encounter/abc") == ("local", "Encounter", "abc")


def test_conditional_identifier_reference_parses_to_system_and_value() -> None:
    ref = "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974493"
    assert parse(ref) == ("identifier", "Practitioner", "http://hl7.org/fhir/sid/us-npi|9999974493")


def test_contained_and_absolute_references_are_kept() -> None:
    assert parse("#med1") is None
    assert parse("https://ehr.example.org/fhir/Patient/1") is None


@pytest.mark.parametrize(
    "ref", ["urn:uuid:1a7afa27-d796-3772-aea3-6a1f51566edb", "Practitioner?name=Smith", "a/b/c"]
)
def test_unplaceable_references_are_refused(ref: str) -> None:
    with pytest.raises(UnresolvedReference):
        parse(ref)


def test_patient_reference_comes_from_subject_or_patient() -> None:
    assert patient_reference({"subject": {"reference": "Patient/p1"}}) == "p1"
    assert patient_reference({"patient": {"reference": "Patient/p2"}}) == "p2"
    assert patient_reference({"subject": {"reference": "Group/g"}}) is None


def test_fact_key_needs_code_date_and_member() -> None:
    condition = {
        "resourceType": "Condition",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006"}]},
        "onsetDateTime": "2001-01-01",
    }
    assert (
        fact_key(condition, "m1") == "fact|Condition|http://snomed.info/sct|44054006|2001-01-01|m1"
    )
    assert fact_key(condition, None) is None
    assert fact_key({**condition, "onsetDateTime": None}, "m1") is None


def test_identity_keys_order_identifiers_then_fact_then_feed_id() -> None:
    encounter = {
        "resourceType": "Encounter",
        "id": "e1",
        "identifier": [{"system": "urn:s", "value": "v"}],
    }
    assert identity_keys("feed", encounter, None) == [
        "id|Encounter|urn:s|v",
        "src|feed|Encounter|e1",
    ]


def test_claimed_us_core_profile_requires_its_elements() -> None:
    condition = {
        "resourceType": "Condition",
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition"]},
        "code": {"text": "x"},
        "subject": {"reference": "Patient/p"},
    }
    assert profile_issues(condition) == [
        "Condition.category: required by profile "
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition"
    ]
    assert profile_issues({**condition, "category": [{"text": "c"}]}) == []
