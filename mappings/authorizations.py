"""Prior authorizations -> Da Vinci PDex prior-authorization ExplanationOfBenefit.

https://hl7.org/fhir/us/davinci-pdex/STU2/StructureDefinition-pdex-priorauthorization.html
"""

from __future__ import annotations

from mappings.authorization_records import AuthorizationRecord
from mappings.fhir_values import (
    AUTHORIZATION_SYSTEM,
    CPT,
    ICD10_CM,
    JSON,
    PAS,
    PDEX,
    THO,
    X12_CARC,
    compact,
    concept,
    meta,
    money,
    period,
    ref,
)
from mappings.ids import resource_id
from mappings.members import coverage_id, patient_id
from mappings.models import FHIRAbstractModel, build
from mappings.payer import payer_id

MAPPING_VERSION = "authorizations-2"  # 2: PAS request and decision details
PRIOR_AUTH_PROFILE = f"{PDEX}/pdex-priorauthorization|2.0.0"
PDEX_CS = "http://hl7.org/fhir/us/davinci-pdex/CodeSystem"
HCPCS_SYSTEM = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
X12_306 = "https://codesystem.x12.org/005010/306"
# Our status -> (EOB.status, EOB.outcome, X12 306 review action code)
STATUS = {
    "approved": ("active", "complete", "A1"),
    "partial": ("active", "partial", "A2"),
    "denied": ("active", "complete", "A3"),
    "pended": ("active", "queued", "A4"),
    "cancelled": ("cancelled", "complete", "C"),
}


def prior_authorization_id(auth_number: str) -> str:
    """The EOB id of a prior authorization."""
    return resource_id("prior-authorization", auth_number)


def prior_authorization_json(auth: AuthorizationRecord) -> JSON:
    """The PDex prior-authorization EOB of an authorization as FHIR JSON."""
    status, outcome, _ = STATUS[auth.status]
    requester = ref("Practitioner", resource_id("practitioner", auth.requesting_npi))
    data: JSON = {
        "id": prior_authorization_id(auth.auth_number),
        "meta": meta(PRIOR_AUTH_PROFILE),
        "extension": [
            {
                "url": f"{PDEX}/extension-levelOfServiceCode",
                "valueCodeableConcept": concept(
                    "https://codesystem.x12.org/005010/1338", auth.level_of_service
                ),
            }
        ],
        "identifier": [{"system": AUTHORIZATION_SYSTEM, "value": auth.auth_number}],
        "status": status,
        "type": concept(f"{THO}/claim-type", auth.claim_type),
        "use": "preauthorization",
        "patient": ref("Patient", patient_id(auth.member_id)),
        "billablePeriod": period(auth.start_date, auth.end_date),
        "created": auth.request_date,
        "enterer": requester,
        "insurer": ref("Organization", payer_id(auth.payer_key), auth.payer_name),
        "provider": requester,
        "facility": _facility(auth),
        "outcome": outcome,
        "preAuthRef": [auth.auth_number],
        "preAuthRefPeriod": [period(auth.start_date, auth.end_date)],
        "careTeam": [{"sequence": 1, "provider": requester, "responsible": True}],
        "diagnosis": [_diagnosis(auth.diagnosis)],
        "insurance": [{"focal": True, "coverage": ref("Coverage", coverage_id(auth.coverage_key))}],
        "item": [_item(auth)],
        "adjudication": [_review_action(auth)],
        "total": [_total(auth)],
    }
    return compact(data)


def to_prior_authorization(auth: AuthorizationRecord) -> FHIRAbstractModel:
    """A PDex prior-authorization EOB."""
    return build("ExplanationOfBenefit", prior_authorization_json(auth))


def _facility(auth: AuthorizationRecord) -> JSON | None:
    if not auth.facility_location_key:
        return None
    return ref("Location", resource_id("location", auth.facility_location_key))


def _diagnosis(code: str) -> JSON:
    return {
        "sequence": 1,
        "diagnosisCodeableConcept": concept(ICD10_CM, code),
        "type": [concept(f"{THO}/ex-diagnosistype", "principal")],
    }


def decision_extensions(auth: AuthorizationRecord) -> list[JSON]:
    """The PAS item extensions of a decision (shared by the PDex EOB and the PAS response)."""
    servicing = ref("Practitioner", resource_id("practitioner", auth.servicing_npi))
    trace = {"system": AUTHORIZATION_SYSTEM, "value": f"{auth.auth_number}-1"}
    out: list[JSON] = [
        {"url": f"{PAS}/extension-itemTraceNumber", "valueIdentifier": trace},
        {"url": f"{PAS}/extension-administrationReferenceNumber", "valueString": auth.auth_number},
    ]
    if auth.decision_date:
        out.append(
            {"url": f"{PAS}/extension-itemPreAuthIssueDate", "valueDate": auth.decision_date}
        )
    if auth.status in ("approved", "partial"):
        detail = [{"url": "quantity", "valueQuantity": {"value": auth.approved_quantity}}]
        out += [
            {
                "url": f"{PAS}/extension-itemPreAuthPeriod",
                "valuePeriod": period(auth.start_date, auth.end_date),
            },
            {
                "url": f"{PAS}/extension-itemAuthorizedProvider",
                "extension": [{"url": "provider", "valueReference": servicing}],
            },
            {"url": f"{PAS}/extension-itemAuthorizedDetail", "extension": detail},
        ]
    if auth.previous_auth_number:
        out.append(
            {
                "url": f"{PAS}/extension-authorizationNumber",
                "valueString": auth.previous_auth_number,
            }
        )
    return out


def _item(auth: AuthorizationRecord) -> JSON:
    system = CPT if auth.code_system == "cpt" else HCPCS_SYSTEM
    return {
        "extension": decision_extensions(auth),
        "sequence": 1,
        "category": concept("https://x12.org/codes/service-type-codes", auth.service_type),
        "productOrService": concept(system, auth.code),
        "servicedPeriod": period(auth.start_date, auth.end_date),
        "quantity": {"value": auth.requested_quantity},
        "adjudication": _item_adjudication(auth),
    }


def _item_adjudication(auth: AuthorizationRecord) -> list[JSON]:
    discriminator = f"{PDEX_CS}/PDexAdjudicationDiscriminator"
    out: list[JSON] = [
        {
            **_review_action(auth),
            "category": concept(f"{THO}/adjudication", "submitted"),
            "amount": money(auth.requested_amount),
        },
        {
            "category": concept(f"{THO}/adjudication", "eligible"),
            "amount": money(auth.approved_amount),
        },
        {"category": concept(discriminator, "allowedunits"), "value": auth.approved_quantity},
        {"category": concept(discriminator, "consumedunits"), "value": auth.used_quantity},
    ]
    if auth.denial_reason:
        out.append(
            {
                "category": concept(discriminator, "denialreason"),
                "reason": concept(X12_CARC, auth.denial_reason),
            }
        )
    return out


def _review_action(auth: AuthorizationRecord) -> JSON:
    _, _, action = STATUS[auth.status]
    return {**review_action(auth, action, PDEX), "amount": money(auth.requested_amount)}


def review_action(auth: AuthorizationRecord, action: str, ig_base: str) -> JSON:
    """The review-action adjudication (X12 306 action, X12 886 reason) with an IG's extensions."""
    parts: list[JSON] = [
        {"url": "number", "valueString": auth.auth_number},
        {
            "url": f"{ig_base}/extension-reviewActionCode",
            "valueCodeableConcept": concept(X12_306, action),
        },
    ]
    if auth.review_reason:
        parts.append(
            {
                "url": "reasonCode",
                "valueCodeableConcept": concept(
                    "https://codesystem.x12.org/external/886", auth.review_reason
                ),
            }
        )
    return {
        "extension": [{"url": f"{ig_base}/extension-reviewAction", "extension": parts}],
        "category": concept(f"{THO}/adjudication", "submitted"),
    }


def _total(auth: AuthorizationRecord) -> JSON:
    used = {
        "url": f"{PDEX}/PriorAuthorizationUtilization",
        "valueRatio": {
            "numerator": {"value": auth.used_quantity},
            "denominator": {"value": auth.approved_quantity or 1},
        },
    }
    return {
        "extension": [used],
        "category": concept(f"{THO}/adjudication", "eligible"),
        "amount": money(auth.approved_amount),
    }
