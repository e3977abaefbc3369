"""The PAS request and decision details: what a reader of the Claim / ClaimResponse relies on."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import pytest

from mappings.authorization_records import AccidentRecord, AdmissionRecord, AuthorizationRecord
from mappings.pas import pas_claim_json, pas_claim_response_json
from tests.unit.mappings.samples_programs import APPROVED_AUTH, INPATIENT_AUTH, PENDED_AUTH

pytestmark = pytest.mark.unit
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
ENCOUNTER_EXT = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Claim.encounter"
PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition"


def _without_details(auth: AuthorizationRecord) -> AuthorizationRecord:
    """The record as a feed without any of the optional PAS details gives it."""
    core = {f.name: getattr(auth, f.name) for f in fields(auth)}
    first_detail = [f.name for f in fields(auth)].index("requester_role")
    for f in fields(auth)[first_detail:]:
        core[f.name] = f.default
    return AuthorizationRecord(**core)


def _contained(resource: dict[str, Any], reference: str) -> dict[str, Any]:
    assert reference.startswith("#")
    return next(r for r in resource["contained"] if r["id"] == reference[1:])


def _extension(element: dict[str, Any], url: str) -> dict[str, Any]:
    return next(e for e in element.get("extension", []) if e["url"] == url)


def test_inpatient_request_points_to_its_contained_planned_stay() -> None:
    claim = pas_claim_json(INPATIENT_AUTH)
    stay = _contained(claim, _extension(claim, ENCOUNTER_EXT)["valueReference"]["reference"])
    assert stay["resourceType"] == "Encounter"
    assert stay["status"] == "planned"
    assert stay["period"] == {"start": "2024-01-10", "end": "2024-01-13"}
    assert stay["subject"] == claim["patient"]


def test_stay_of_unknown_admission_type_keeps_its_dates_without_an_encounter() -> None:
    auth = replace(INPATIENT_AUTH, admission=AdmissionRecord("2024-01-10"))
    claim = pas_claim_json(auth)
    assert "contained" not in claim
    assert ENCOUNTER_EXT not in [e["url"] for e in claim["extension"]]
    categories = [i["category"]["coding"][0]["code"] for i in claim["supportingInfo"]]
    assert "admissionDates" in categories
    assert "dischargeDates" not in categories


def test_accident_of_unknown_date_says_the_date_is_absent() -> None:
    accident = pas_claim_json(INPATIENT_AUTH)["accident"]
    assert "date" not in accident
    assert accident["_date"]["extension"] == [{"url": DATA_ABSENT, "valueCode": "unknown"}]


def test_accident_of_known_date_carries_it() -> None:
    auth = replace(APPROVED_AUTH, accident=AccidentRecord(accident_date="2023-12-01"))
    assert pas_claim_json(auth)["accident"] == {"date": "2023-12-01"}


def test_supporting_info_is_numbered_and_the_item_lists_it() -> None:
    claim = pas_claim_json(INPATIENT_AUTH)
    sequences = [entry["sequence"] for entry in claim["supportingInfo"]]
    assert sequences == list(range(1, len(sequences) + 1))
    assert claim["item"][0]["informationSequence"] == sequences
    message = claim["supportingInfo"][-1]
    assert message["valueString"] == INPATIENT_AUTH.message_text[0]


def test_patient_event_range_is_a_period_and_a_single_day_a_date() -> None:
    ranged = pas_claim_json(APPROVED_AUTH)["supportingInfo"][0]
    single = pas_claim_json(replace(APPROVED_AUTH, event_end_date=None))["supportingInfo"][0]
    assert ranged["timingPeriod"] == {"start": "2024-01-05", "end": "2024-04-04"}
    assert single["timingDate"] == "2024-01-05"


def test_numeric_modifiers_are_cpt_and_letter_modifiers_hcpcs() -> None:
    modifiers = pas_claim_json(APPROVED_AUTH)["item"][0]["modifier"]
    systems = {m["coding"][0]["code"]: m["coding"][0]["system"] for m in modifiers}
    assert systems == {
        "GP": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "59": "http://www.ama-assn.org/go/cpt",
    }


def test_ordered_service_is_a_contained_service_request_with_the_order_number() -> None:
    claim = pas_claim_json(APPROVED_AUTH)
    item = claim["item"][0]
    order = _extension(item, f"{PAS}/extension-requestedService")["valueReference"]
    request = _contained(claim, order["reference"])
    assert request["resourceType"] == "ServiceRequest"
    assert request["identifier"][0]["value"] == APPROVED_AUTH.order_number
    assert request["code"] == item["productOrService"]


def test_request_without_details_has_none_of_their_elements() -> None:
    claim = pas_claim_json(_without_details(INPATIENT_AUTH))
    absent = {"contained", "supportingInfo", "accident"} & set(claim)
    assert not absent
    assert set(claim["careTeam"][0]) == {"extension", "sequence", "provider"}
    assert set(claim["diagnosis"][0]) == {"sequence", "diagnosisCodeableConcept"}
    item = claim["item"][0]
    assert not {"informationSequence", "revenue", "modifier", "unitPrice"} & set(item)


def test_response_to_a_request_with_errors_has_outcome_error() -> None:
    response = pas_claim_response_json(PENDED_AUTH)
    assert response["outcome"] == "error"
    error = response["error"][0]
    assert error["code"]["coding"][0]["code"] == "57"
    path = _extension(error, f"{PAS}/extension-errorPath")["valueString"]
    assert path == "Claim.item[0].servicedPeriod"


def test_response_without_errors_keeps_the_status_outcome() -> None:
    response = pas_claim_response_json(replace(PENDED_AUTH, errors=()))
    assert response["outcome"] == "queued"
    assert "error" not in response


def test_pended_response_asks_for_information_with_a_contained_request() -> None:
    response = pas_claim_response_json(PENDED_AUTH)
    wanted = _contained(response, response["communicationRequest"][0]["reference"])
    assert wanted["payload"] == [{"contentString": "Send the last two therapy notes."}]
    assert wanted["recipient"] == [response["requestor"]]


def test_note_numbers_point_to_the_process_notes() -> None:
    response = pas_claim_response_json(APPROVED_AUTH)
    numbers = {note["number"] for note in response["processNote"]}
    assert set(response["item"][0]["noteNumber"]) == numbers == {1}


def test_response_without_details_has_none_of_their_elements() -> None:
    response = pas_claim_response_json(_without_details(PENDED_AUTH))
    assert not {"contained", "communicationRequest", "error", "processNote"} & set(response)
    assert "noteNumber" not in response["item"][0]


def test_hcpcs_service_uses_the_system_of_the_pas_value_set() -> None:
    device = replace(APPROVED_AUTH, code_system="hcpcs", code="E0601")
    coding = pas_claim_json(device)["item"][0]["productOrService"]["coding"][0]
    assert coding["system"] == "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
