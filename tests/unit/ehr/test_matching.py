"""Member matching rules: identifiers first, then demographics, postal code to break ties."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.ingest.ehr.matching import MATCHED, REVIEW, decide, demographics
from mappings.fhir_values import MEMBER_ID_SYSTEM

pytestmark = pytest.mark.unit


def _patient(family: str = "Upton904", postal: str = "66801", **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": "ehr-1",
        "name": [{"use": "official", "family": family, "given": ["Marine542"]}],
        "birthDate": "1927-05-21",
        "gender": "female",
        "address": [{"postalCode": postal}],
        **extra,
    }


def _people(*pairs: tuple[str, dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(mid, demographics(p)) for mid, p in pairs]


def test_single_identifier_candidate_matches_by_member_identifier() -> None:
    result = decide(_patient(), ["m1"], [])
    assert (result.status, result.rule, result.member_id) == (MATCHED, "member-identifier", "m1")


def test_two_identifier_candidates_go_to_review() -> None:
    result = decide(_patient(), ["m1", "m2"], _people(("m1", _patient())))
    assert (result.status, result.rule, result.candidates) == (
        REVIEW,
        "ambiguous-identifier",
        ("m1", "m2"),
    )


def test_exact_demographics_match_one_member() -> None:
    result = decide(_patient(), [], _people(("m1", _patient()), ("m2", _patient("Johnson679"))))
    assert (result.status, result.member_id, result.rule) == (MATCHED, "m1", "demographics")


def test_demographics_compare_case_and_accents_insensitively() -> None:
    result = decide(_patient("UPTÓN904"), [], _people(("m1", _patient())))
    assert result.member_id == "m1"


def test_different_gender_is_no_match() -> None:
    other = {**_patient(), "gender": "male"}
    result = decide(_patient(), [], _people(("m1", other)))
    assert (result.status, result.rule) == (REVIEW, "no-match")


def test_two_demographic_twins_are_split_by_postal_code() -> None:
    people = _people(("m1", _patient(postal="66801")), ("m2", _patient(postal="67000")))
    result = decide(_patient(postal="67000-1234"), [], people)
    assert (result.status, result.member_id, result.rule) == (
        MATCHED,
        "m2",
        "demographics+postal",
    )


def test_twins_at_the_same_postal_code_go_to_review() -> None:
    people = _people(("m1", _patient()), ("m2", _patient()))
    result = decide(_patient(), [], people)
    assert (result.status, result.rule, result.candidates) == (
        REVIEW,
        "ambiguous-demographics",
        ("m1", "m2"),
    )


def test_patient_without_birth_date_is_never_matched_on_demographics() -> None:
    incomplete = {k: v for k, v in _patient().items() if k != "birthDate"}
    result = decide(incomplete, [], _people(("m1", _patient())))
    assert (result.status, result.rule) == (REVIEW, "incomplete-demographics")


def test_member_identifier_systems_are_recognised() -> None:
    from gateway.ingest.ehr.matching import member_identifiers

    patient = _patient(
        identifier=[
            {"system": MEMBER_ID_SYSTEM, "value": "M1"},
            {"system": "http://hospital.smarthealthit.org", "value": "X"},
        ]
    )
    assert member_identifiers(patient) == [(MEMBER_ID_SYSTEM, "M1")]
