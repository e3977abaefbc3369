"""The FHIR model surface: R4 types only, safe structure messages."""

from __future__ import annotations

import pytest

from gateway.fhir import FHIR_VERSION, is_resource_type, structure_issues

pytestmark = pytest.mark.unit


def test_fhir_version_is_r4() -> None:
    assert FHIR_VERSION == "4.0.1"


@pytest.mark.parametrize(
    "rtype", ["Patient", "ExplanationOfBenefit", "InsurancePlan", "Provenance"]
)
def test_r4_types_are_known(rtype: str) -> None:
    assert is_resource_type(rtype)


@pytest.mark.parametrize("rtype", ["SubscriptionTopic", "Citation", "patient", "Nope", ""])
def test_r4b_only_and_bogus_types_are_unknown(rtype: str) -> None:
    assert not is_resource_type(rtype)


def test_valid_resource_has_no_issues() -> None:
    assert structure_issues({"resourceType": "Patient", "birthDate": "1970-01-01"}) == []


def test_issues_locate_elements_without_echoing_values() -> None:
    issues = structure_issues(
        {"resourceType": "Patient", "birthDate": "SSN-123-45-6789", "name": [{"given": [7]}]}
    )
    where = {i.expression for i in issues}
    assert where == {"Patient.birthDate", "Patient.name[0].given[0]"}
    assert all("6789" not in i.message for i in issues)


def test_missing_required_element_is_reported() -> None:
    issues = structure_issues({"resourceType": "Observation", "code": {"text": "x"}})
    assert [i.expression for i in issues] == ["Observation.status"]


def test_r4b_only_data_types_are_refused() -> None:
    extension = {
        "url": "http://example.org/x",
        "valueCodeableReference": {"concept": {"text": "x"}},
    }
    issues = structure_issues({"resourceType": "Patient", "extension": [extension]})
    assert [i.expression for i in issues] == ["Patient.extension[0].valueCodeableReference"]


def test_r4b_only_elements_are_refused() -> None:
    issues = structure_issues(
        {"resourceType": "PlanDefinition", "status": "draft", "subjectCanonical": "http://x/y"}
    )
    assert [i.expression for i in issues] == ["PlanDefinition.subjectCanonical"]


@pytest.mark.parametrize("rtype", ["Evidence", "EvidenceVariable"])
def test_types_reworked_in_r4b_are_refused(rtype: str) -> None:
    assert not is_resource_type(rtype)
