"""Adjudicated claims -> CARIN BB 2.0.0 ExplanationOfBenefit (one sub-profile per claim type).

https://hl7.org/fhir/us/carin-bb/STU2/StructureDefinition-C4BB-ExplanationOfBenefit.html
"""

from __future__ import annotations

from mappings import claim_info, claim_lines
from mappings.claim_records import ClaimRecord
from mappings.fhir_values import (
    C4BB,
    C4BB_CS,
    CLAIM_ID_SYSTEM,
    JSON,
    THO,
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

MAPPING_VERSION = "claims-1"
EOB_PROFILE = {
    "professional": f"{C4BB}/C4BB-ExplanationOfBenefit-Professional-NonClinician|2.0.0",
    "inpatient": f"{C4BB}/C4BB-ExplanationOfBenefit-Inpatient-Institutional|2.0.0",
    "outpatient": f"{C4BB}/C4BB-ExplanationOfBenefit-Outpatient-Institutional|2.0.0",
    "pharmacy": f"{C4BB}/C4BB-ExplanationOfBenefit-Pharmacy|2.0.0",
    "oral": f"{C4BB}/C4BB-ExplanationOfBenefit-Oral|2.0.0",
}
CLAIM_TYPE_CODE = {
    "professional": ("professional", "Professional"),
    "inpatient": ("institutional", "Institutional"),
    "outpatient": ("institutional", "Institutional"),
    "pharmacy": ("pharmacy", "Pharmacy"),
    "oral": ("oral", "Oral"),
}
APPEAL_NOTE = "This claim is under appeal; the adjudication may change."


def eob_id(claim_id: str) -> str:
    """The EOB id of a claim."""
    return resource_id("claim", claim_id)


def explanation_of_benefit_json(claim: ClaimRecord) -> JSON:
    """The EOB of an adjudicated claim as FHIR JSON."""
    notes = _notes(claim)
    info = claim_info.supporting_info(claim)
    code, display = CLAIM_TYPE_CODE[claim.claim_type]
    data: JSON = {
        "id": eob_id(claim.claim_id),
        "meta": meta(EOB_PROFILE[claim.claim_type]),
        "identifier": [_claim_identifier(claim.claim_id)],
        "status": claim.status,
        "type": concept(f"{THO}/claim-type", code, display, display),
        "subType": _sub_type(claim.claim_type),
        "use": "claim",
        "patient": ref("Patient", patient_id(claim.member_id)),
        "billablePeriod": period(claim.billable_start, claim.billable_end),
        "created": claim.created,
        "insurer": ref("Organization", payer_id(claim.payer_key), claim.payer_name),
        "provider": _provider(claim),
        "related": _related(claim),
        "payee": {"type": concept(f"{THO}/payeetype", "provider"), "party": _provider(claim)},
        "outcome": "complete",
        "careTeam": claim_info.care_team(claim),
        "supportingInfo": info,
        "diagnosis": claim_info.diagnoses(claim),
        "procedure": claim_info.procedures(claim),
        "insurance": [
            {"focal": True, "coverage": ref("Coverage", coverage_id(claim.coverage_key))}
        ],
        "item": claim_lines.items(
            claim, tuple(n["number"] for n in notes), claim_info.item_info_sequences(info)
        ),
        "adjudication": claim_lines.header_adjudication(claim),
        "total": claim_lines.totals(claim),
        "payment": _payment(claim),
        "processNote": notes,
    }
    return compact(data)


def to_explanation_of_benefit(claim: ClaimRecord) -> FHIRAbstractModel:
    """A CARIN BB EOB claiming the sub-profile of the claim's type."""
    return build("ExplanationOfBenefit", explanation_of_benefit_json(claim))


def _claim_identifier(claim_id: str) -> JSON:
    return {
        "type": concept(f"{C4BB_CS}/C4BBIdentifierType", "uc", "Unique Claim ID"),
        "system": CLAIM_ID_SYSTEM,
        "value": claim_id,
    }


def _sub_type(claim_type: str) -> JSON | None:
    if claim_type not in ("inpatient", "outpatient"):
        return None
    system = f"{C4BB_CS}/C4BBInstitutionalClaimSubType"
    return concept(system, claim_type, claim_type.capitalize(), claim_type.capitalize())


def _provider(claim: ClaimRecord) -> JSON:
    kind = "Practitioner" if claim.billing_kind == "practitioner" else "Organization"
    return ref(kind, resource_id(claim.billing_kind, claim.billing_npi), claim.billing_name)


def _related(claim: ClaimRecord) -> list[JSON]:
    if not claim.related_claim_id:
        return []
    return [
        {
            "relationship": concept(f"{THO}/ex-relatedclaimrelationship", "prior"),
            "reference": {"system": CLAIM_ID_SYSTEM, "value": claim.related_claim_id},
        }
    ]


def _payment(claim: ClaimRecord) -> JSON:
    status = f"{C4BB_CS}/C4BBPayerAdjudicationStatus"
    return compact(
        {
            "type": concept(status, claim.payment_status),
            "date": claim.payment_date,
            "amount": money(claim.payment_amount),
        }
    )


def _notes(claim: ClaimRecord) -> list[JSON]:
    texts = [*claim.notes, *([APPEAL_NOTE] if claim.under_appeal else [])]
    return [{"number": n, "type": "display", "text": t} for n, t in enumerate(texts, start=1)]
