"""EOB supportingInfo, careTeam, diagnosis and procedure sections per claim type (CARIN BB 2.0.0).

https://hl7.org/fhir/us/carin-bb/STU2/CodeSystem-C4BBSupportingInfoType.html
"""

from __future__ import annotations

from typing import Any

from mappings.claim_records import ClaimRecord
from mappings.fhir_values import (
    C4BB_CS,
    ICD10_CM,
    ICD10_PCS,
    JSON,
    THO,
    concept,
    ref,
)
from mappings.ids import resource_id

INFO_TYPE = f"{C4BB_CS}/C4BBSupportingInfoType"
NUBC = "https://www.nubc.org/CodeSystem"
MS_DRG = (
    "https://www.cms.gov/Medicare/Medicare-Fee-for-Service-Payment/AcuteInpatientPPS/"
    "MS-DRG-Classifications-and-Software"
)
NUCC = "http://nucc.org/provider-taxonomy"
TOOTH = f"{THO}/ADAUniversalToothDesignationSystem"
CARE_TEAM_ROLE = f"{C4BB_CS}/C4BBClaimCareTeamRole"
ROLE_BY_TYPE = {
    "professional": "rendering",
    "oral": "rendering",
    "inpatient": "attending",
    "outpatient": "attending",
    "pharmacy": "prescribing",
}
PRINCIPAL_KINDS = ("principal", "admitting")


def supporting_info(claim: ClaimRecord) -> list[JSON]:
    """All supportingInfo entries of the claim, numbered in order."""
    entries: list[tuple[str, str, Any]] = [("clmrecvddate", "timingDate", claim.received_date)]
    entries += _type_specific(claim)
    if claim.medical_record_number:
        entries.append(("medicalrecordnumber", "valueString", claim.medical_record_number))
    if claim.patient_account_number:
        entries.append(("patientaccountnumber", "valueString", claim.patient_account_number))
    return [
        {"sequence": n, "category": concept(INFO_TYPE, slice_name), key: value}
        for n, (slice_name, key, value) in enumerate(entries, start=1)
    ]


LINKED_TO_ITEMS = (
    "additionalbodysite",
    "patientweight",
    "ambulancetransportreason",
    "transportationdistance",
    "roudtrippurpose",
    "stretcherpurpose",
    "pickuplocation",
    "dropofflocation",
)


def item_info_sequences(info: list[JSON]) -> tuple[int, ...]:
    """The supportingInfo entries items must refer to (oral body sites, transport facts)."""
    return tuple(
        e["sequence"] for e in info if e["category"]["coding"][0]["code"] in LINKED_TO_ITEMS
    )


def care_team(claim: ClaimRecord) -> list[JSON]:
    """The rendering, attending or prescribing provider (with NUCC qualification)."""
    npi = claim.pharmacy.prescriber_npi if claim.pharmacy else claim.rendering_npi
    if not npi:
        return []
    member: JSON = {
        "sequence": 1,
        "provider": ref("Practitioner", resource_id("practitioner", npi)),
        "role": concept(CARE_TEAM_ROLE, ROLE_BY_TYPE[claim.claim_type]),
    }
    if claim.rendering_taxonomy and claim.claim_type in ("professional", "oral"):
        member["qualification"] = concept(NUCC, claim.rendering_taxonomy)
    return [member]


def diagnoses(claim: ClaimRecord) -> list[JSON]:
    """Diagnoses with their CARIN diagnosis type (and POA on inpatient claims)."""
    out = []
    for n, dx in enumerate(claim.diagnoses, start=1):
        system = (
            f"{THO}/ex-diagnosistype"
            if dx.kind in PRINCIPAL_KINDS
            else (f"{C4BB_CS}/C4BBClaimDiagnosisType")
        )
        entry: JSON = {
            "sequence": n,
            "diagnosisCodeableConcept": concept(ICD10_CM, dx.code),
            "type": [concept(system, dx.kind)],
        }
        if dx.present_on_admission and claim.claim_type == "inpatient":
            poa = f"{NUBC}/PresentOnAdmissionIndicator"
            entry["onAdmission"] = concept(poa, dx.present_on_admission)
        out.append(entry)
    return out


def procedures(claim: ClaimRecord) -> list[JSON]:
    """ICD-10-PCS procedures of an institutional claim."""
    return [
        {
            "sequence": n,
            "type": [concept(f"{C4BB_CS}/C4BBClaimProcedureType", px.kind)],
            "date": px.date,
            "procedureCodeableConcept": concept(ICD10_PCS, px.code),
        }
        for n, px in enumerate(claim.procedures, start=1)
    ]


def _type_specific(claim: ClaimRecord) -> list[tuple[str, str, Any]]:
    if claim.pharmacy is not None:
        return _pharmacy(claim)
    if claim.institutional is not None:
        return _institutional(claim)
    out: list[tuple[str, str, Any]] = []
    if claim.facility_npi:
        facility = ref("Organization", resource_id("organization", claim.facility_npi))
        out.append(("servicefacility", "valueReference", facility))
    if claim.oral is not None:
        out += _oral(claim)
    if claim.transport is not None:
        out += _transport(claim)
    return out


def _pharmacy(claim: ClaimRecord) -> list[tuple[str, str, Any]]:
    rx = claim.pharmacy
    assert rx is not None
    ncpdp = THO
    return [
        ("dayssupply", "valueQuantity", {"value": rx.days_supply}),
        (
            "dawcode",
            "code",
            concept(f"{ncpdp}/NCPDPDispensedAsWrittenOrProductSelectionCode", rx.daw),
        ),
        ("refillnum", "valueQuantity", {"value": rx.refill_number}),
        ("refillsauthorized", "valueQuantity", {"value": rx.refills_authorized}),
        (
            "brandgenericindicator",
            "code",
            concept(f"{ncpdp}/NCPDPBrandGenericIndicator", rx.brand_generic),
        ),
        ("rxorigincode", "code", concept(f"{ncpdp}/NCPDPPrescriptionOriginCode", rx.rx_origin)),
        ("compoundcode", "code", concept(f"{ncpdp}/NCPDPCompoundCode", rx.compound)),
    ]


def _institutional(claim: ClaimRecord) -> list[tuple[str, str, Any]]:
    inst = claim.institutional
    assert inst is not None
    out: list[tuple[str, str, Any]] = []
    if inst.admission_start:
        admission = {"start": inst.admission_start, "end": inst.admission_end}
        out.append(("admissionperiod", "timingPeriod", {k: v for k, v in admission.items() if v}))
    out += [
        ("typeofbill", "code", concept(f"{NUBC}/TypeOfBill", inst.type_of_bill)),
        ("pointoforigin", "code", concept(f"{NUBC}/PointOfOrigin", inst.point_of_origin)),
        ("admtype", "code", concept(f"{NUBC}/PriorityTypeOfAdmitOrVisit", inst.admission_type)),
        ("discharge-status", "code", concept(f"{NUBC}/PatDischargeStatus", inst.discharge_status)),
    ]
    if inst.drg:
        out.append(("drg", "code", concept(MS_DRG, inst.drg)))
    return out


def _transport(claim: ClaimRecord) -> list[tuple[str, str, Any]]:
    trip = claim.transport
    assert trip is not None
    reason_system = "https://x12.org/codesystem.x12.org/ambulance-transport-reason-codes"
    return [
        ("patientweight", "valueQuantity", _ucum(trip.patient_weight_lb, "[lb_av]")),
        ("ambulancetransportreason", "reason", {"system": reason_system, "code": trip.reason}),
        ("transportationdistance", "valueQuantity", _ucum(trip.distance_miles, "[mi_i]")),
        ("roudtrippurpose", "valueString", trip.round_trip_purpose),
        ("stretcherpurpose", "valueString", trip.stretcher_purpose),
        ("pickuplocation", "valueString", trip.pickup),
        ("dropofflocation", "valueString", trip.dropoff),
    ]


def _ucum(value: float, unit: str) -> JSON:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _oral(claim: ClaimRecord) -> list[tuple[str, str, Any]]:
    oral = claim.oral
    assert oral is not None
    out: list[tuple[str, str, Any]] = []
    if oral.orthodontic_months is not None:
        months = {
            "value": oral.orthodontic_months,
            "unit": "mo",
            "system": "http://unitsofmeasure.org",
            "code": "mo",
        }
        out.append(("orthodontics", "valueQuantity", months))
    if oral.prosthesis_replacement is not None:
        out.append(("prosthesis", "valueBoolean", oral.prosthesis_replacement))
    out += [("additionalbodysite", "code", concept(TOOTH, site)) for site in oral.additional_sites]
    out += [("missingtoothnumber", "code", concept(TOOTH, tooth)) for tooth in oral.missing_teeth]
    return out
