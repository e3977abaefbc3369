"""Prior authorizations -> Da Vinci PAS Claim (request) and ClaimResponse (decision) pairs.

https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-claim.html
https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-claimresponse.html
"""

from __future__ import annotations

from mappings import pas_decision, pas_request, pas_service
from mappings.authorization_records import AuthorizationRecord
from mappings.authorizations import STATUS, decision_extensions, review_action
from mappings.fhir_values import (
    AUTHORIZATION_SYSTEM,
    CPT,
    ICD10_CM,
    JSON,
    PAS,
    THO,
    compact,
    concept,
    meta,
    period,
    ref,
)
from mappings.ids import resource_id
from mappings.members import coverage_id, patient_id
from mappings.models import FHIRAbstractModel, build
from mappings.payer import payer_id

X12_1365 = "https://codesystem.x12.org/005010/1365"
X12_1338 = "https://codesystem.x12.org/005010/1338"
X12_1322 = "https://codesystem.x12.org/005010/1322"


def pas_claim_id(auth_number: str) -> str:
    """The PAS Claim id of an authorization request."""
    return resource_id("pas-claim", auth_number)


def pas_claim_response_id(auth_number: str) -> str:
    """The PAS ClaimResponse id of an authorization decision."""
    return resource_id("pas-claim-response", auth_number)


def pas_claim_json(auth: AuthorizationRecord) -> JSON:
    """The authorization request as a PAS Claim (FHIR JSON)."""
    requestor = _organization(auth.requesting_organization_npi)
    level = {
        "url": f"{PAS}/extension-levelOfServiceCode",
        "valueCodeableConcept": concept(X12_1338, auth.level_of_service),
    }
    information = pas_request.supporting_info(auth)
    diagnosis = {"sequence": 1, "diagnosisCodeableConcept": concept(ICD10_CM, auth.diagnosis)}
    return compact(
        {
            "id": pas_claim_id(auth.auth_number),
            "meta": meta(f"{PAS}/profile-claim"),
            "contained": _contained(pas_request.encounter(auth), _order(auth)),
            "extension": [level, *pas_request.encounter_extension(auth)],
            "identifier": [{"system": AUTHORIZATION_SYSTEM, "value": auth.auth_number}],
            "status": "active",  # PAS fixes active; a cancellation is certificationType 3
            "type": concept(f"{THO}/claim-type", auth.claim_type),
            "use": "preauthorization",
            "patient": ref("Patient", patient_id(auth.member_id)),
            "created": auth.request_date,
            "insurer": ref("Organization", payer_id(auth.payer_key), auth.payer_name),
            "provider": requestor,
            "priority": concept(
                f"{THO}/processpriority", "stat" if auth.level_of_service == "U" else "normal"
            ),
            "careTeam": [pas_request.care_team_member(auth, requestor)],
            "supportingInfo": information,
            "diagnosis": [{**diagnosis, **pas_request.diagnosis_details(auth)}],
            "accident": pas_request.accident(auth),
            "insurance": [
                {
                    "sequence": 1,
                    "focal": True,
                    "coverage": ref("Coverage", coverage_id(auth.coverage_key)),
                }
            ],
            "item": [_requested_item(auth, [entry["sequence"] for entry in information])],
        }
    )


def _requested_item(auth: AuthorizationRecord, information: list[int]) -> JSON:
    """The requested service, with its trace, certification type and X12 details."""
    certification = concept(X12_1322, "3" if auth.status == "cancelled" else "I")
    return {
        "extension": [
            _trace_number(auth),
            {
                "url": f"{PAS}/extension-administrationReferenceNumber",
                "valueString": auth.auth_number,
            },
            *_previous(auth),
            {"url": f"{PAS}/extension-certificationType", "valueCodeableConcept": certification},
            *pas_service.item_extensions(auth),
        ],
        "sequence": 1,
        "careTeamSequence": [1],
        "diagnosisSequence": [1],
        "category": concept(X12_1365, auth.service_type),
        "productOrService": _product(auth),
        "servicedPeriod": period(auth.start_date, auth.end_date),
        "quantity": {"value": auth.requested_quantity},
        **pas_service.item_details(auth, information),
    }


def _product(auth: AuthorizationRecord) -> JSON:
    return concept(CPT if auth.code_system == "cpt" else pas_service.HCPCS_PAS, auth.code)


def _order(auth: AuthorizationRecord) -> JSON | None:
    return pas_service.service_request(auth, _product(auth))


def _contained(*resources: JSON | None) -> list[JSON]:
    """Resources only this Claim or ClaimResponse refers to (``#id`` references)."""
    return [resource for resource in resources if resource is not None]


def _trace_number(auth: AuthorizationRecord) -> JSON:
    value = {"system": AUTHORIZATION_SYSTEM, "value": f"{auth.auth_number}-1"}
    return {"url": f"{PAS}/extension-itemTraceNumber", "valueIdentifier": value}


def to_pas_claim(auth: AuthorizationRecord) -> FHIRAbstractModel:
    """A PAS Claim (profile-claim)."""
    return build("Claim", pas_claim_json(auth))


def pas_claim_response_json(auth: AuthorizationRecord) -> JSON:
    """The decision on the request as a PAS ClaimResponse (FHIR JSON)."""
    _, outcome, action = STATUS[auth.status]
    return compact(
        {
            "id": pas_claim_response_id(auth.auth_number),
            "meta": meta(f"{PAS}/profile-claimresponse"),
            "contained": _contained(pas_decision.communication_request(auth)),
            "identifier": [{"system": AUTHORIZATION_SYSTEM, "value": auth.auth_number}],
            "status": "active",  # fixed by PAS; the decision is in reviewAction
            "type": concept(f"{THO}/claim-type", auth.claim_type),
            "use": "preauthorization",
            "patient": ref("Patient", patient_id(auth.member_id)),
            "created": auth.decision_date or auth.request_date,
            "insurer": ref("Organization", payer_id(auth.payer_key), auth.payer_name),
            "requestor": _organization(auth.requesting_organization_npi),
            "request": ref("Claim", pas_claim_id(auth.auth_number)),
            "outcome": "error" if auth.errors else outcome,
            "preAuthRef": auth.auth_number if auth.status in ("approved", "partial") else None,
            "preAuthPeriod": period(auth.start_date, auth.end_date)
            if auth.status in ("approved", "partial")
            else None,
            "item": [_decided_item(auth, action)],
            "processNote": pas_decision.process_notes(auth),
            "communicationRequest": pas_decision.communication_references(auth),
            "error": pas_decision.errors(auth),
        }
    )


def to_pas_claim_response(auth: AuthorizationRecord) -> FHIRAbstractModel:
    """A PAS ClaimResponse (profile-claimresponse)."""
    return build("ClaimResponse", pas_claim_response_json(auth))


def _organization(npi: str) -> JSON:
    return ref("Organization", resource_id("organization", npi))


def _practitioner(npi: str) -> JSON:
    return ref("Practitioner", resource_id("practitioner", npi))


def _decided_item(auth: AuthorizationRecord, action: str) -> JSON:
    details = pas_decision.item_details(auth)
    return {
        "extension": [*_decision_extensions(auth), *details.pop("extension", [])],
        "itemSequence": 1,
        **details,
        "adjudication": [_review(auth, action)],
    }


def _decision_extensions(auth: AuthorizationRecord) -> list[JSON]:
    requested = period(auth.start_date, auth.end_date)
    return [
        *decision_extensions(auth),
        {"url": f"{PAS}/extension-itemRequestedServiceDate", "valuePeriod": requested},
    ]


def _previous(auth: AuthorizationRecord) -> list[JSON]:
    """The authorization this one follows on from (PAS authorizationNumber)."""
    if not auth.previous_auth_number:
        return []
    return [
        {"url": f"{PAS}/extension-authorizationNumber", "valueString": auth.previous_auth_number}
    ]


def _review(auth: AuthorizationRecord, action: str) -> JSON:
    return review_action(auth, action, PAS)
