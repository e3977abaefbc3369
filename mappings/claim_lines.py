"""EOB items, adjudications and totals of an adjudicated claim (CARIN BB 2.0.0).

https://hl7.org/fhir/us/carin-bb/STU2/StructureDefinition-C4BB-ExplanationOfBenefit.html
"""

from __future__ import annotations

from mappings.claim_records import ClaimLineRecord, ClaimRecord
from mappings.fhir_values import (
    C4BB_CS,
    CDT,
    CPT,
    HCPCS,
    JSON,
    NDC,
    THO,
    X12_CARC,
    compact,
    concept,
)

DISCRIMINATOR = f"{C4BB_CS}/C4BBAdjudicationDiscriminator"
PAYER_STATUS = f"{C4BB_CS}/C4BBPayerAdjudicationStatus"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
NUBC = "https://www.nubc.org/CodeSystem"
# Internal amount kind -> (code system, C4BBAdjudication code).
AMOUNT_CATEGORY = {
    "submitted": (f"{THO}/adjudication", "submitted"),
    "allowed": (f"{THO}/adjudication", "eligible"),
    "paid": (f"{THO}/adjudication", "benefit"),
    "copay": (f"{THO}/adjudication", "copay"),
    "deductible": (f"{THO}/adjudication", "deductible"),
    "coinsurance": (f"{C4BB_CS}/C4BBAdjudication", "coinsurance"),
    "member_liability": (f"{C4BB_CS}/C4BBAdjudication", "memberliability"),
    "noncovered": (f"{C4BB_CS}/C4BBAdjudication", "noncovered"),
}
CODE_SYSTEMS = {"cpt": CPT, "hcpcs": HCPCS, "ndc": NDC, "cdt": CDT}
NCPDP_REJECT = f"{THO}/NCPDPRejectCode"


def items(
    claim: ClaimRecord, note_numbers: tuple[int, ...], info_sequences: tuple[int, ...] = ()
) -> list[JSON]:
    """The EOB items of a claim, one per line; ``info_sequences`` are the supportingInfo
    entries (oral body sites) each item refers to."""
    return [_item(claim, line, note_numbers, info_sequences) for line in claim.lines]


def header_adjudication(claim: ClaimRecord) -> list[JSON]:
    """Claim-level network and payment status adjudications."""
    network = "innetwork" if claim.in_network else "outofnetwork"
    out = [
        _status("billingnetworkstatus", network),
        _status("benefitpaymentstatus", network),
    ]
    if claim.claim_type in ("professional", "oral"):
        out.append(_status("renderingnetworkstatus", network))
    if claim.claim_level_amounts:
        out += totals(claim)
        reasons = sorted({r for line in claim.lines for r in line.denial_reasons})
        out += [
            {"category": concept(DISCRIMINATOR, "adjustmentreason"), "reason": concept(X12_CARC, r)}
            for r in reasons
        ]
    return out


def totals(claim: ClaimRecord) -> list[JSON]:
    """Sum of each amount kind over the lines (EOB.total)."""
    sums: dict[str, float] = {}
    for line in claim.lines:
        for kind, value in line.amounts.items():
            sums[kind] = sums.get(kind, 0.0) + value
    return [_amount(kind, value) for kind, value in sums.items()]


def _item(
    claim: ClaimRecord,
    line: ClaimLineRecord,
    note_numbers: tuple[int, ...],
    info_sequences: tuple[int, ...],
) -> JSON:
    data: JSON = {
        "sequence": line.sequence,
        "revenue": concept(f"{NUBC}/RevenueCodes", line.revenue) if line.revenue else None,
        "productOrService": _product(line),
        "modifier": [concept(CPT, m) for m in line.modifiers],
        "servicedDate": line.service_date,
        "quantity": {"value": line.quantity},
        "noteNumber": list(note_numbers),
        "adjudication": _line_adjudication(claim, line),
    }
    if line.place_of_service:
        data["locationCodeableConcept"] = concept(POS, line.place_of_service)
    if line.tooth:
        tooth_system = f"{THO}/ADAUniversalToothDesignationSystem"
        data["bodySite"] = concept(tooth_system, line.tooth)
        if line.surface:
            data["subSite"] = [concept(f"{C4BB_CS}/C4BBSurfaceCodes", line.surface)]
    if info_sequences:
        data["informationSequence"] = list(info_sequences)
    if claim.claim_type == "pharmacy":
        data["detail"] = [
            {
                "sequence": 1,
                "productOrService": _product(line),
                "quantity": {"value": line.quantity},
            }
        ]
    return compact(data)


def _product(line: ClaimLineRecord) -> JSON:
    if line.code_system == "none":
        return concept(f"{THO}/data-absent-reason", "not-applicable", "Not Applicable")
    return concept(CODE_SYSTEMS[line.code_system], line.code)


def _line_adjudication(claim: ClaimRecord, line: ClaimLineRecord) -> list[JSON]:
    if claim.claim_level_amounts:
        return []  # CARIN: amounts at the item or the header level, not both
    network = "innetwork" if claim.in_network else "outofnetwork"
    out: list[JSON] = [_status("benefitpaymentstatus", network)]
    out += [_amount(kind, value) for kind, value in line.amounts.items()]
    for reason in line.denial_reasons:
        if claim.claim_type == "pharmacy":
            out.append(
                {
                    "category": concept(DISCRIMINATOR, "rejectreason"),
                    "reason": concept(NCPDP_REJECT, reason),
                }
            )
        else:
            out.append(
                {
                    "category": concept(DISCRIMINATOR, "adjustmentreason"),
                    "reason": concept(X12_CARC, reason),
                }
            )
    if line.allowed_units is not None:
        out.append(
            {"category": concept(DISCRIMINATOR, "allowedunits"), "value": line.allowed_units}
        )
    return out


def _amount(kind: str, value: float) -> JSON:
    """An adjudication of one amount kind: ``concept(*AMOUNT_CATEGORY[kind])`` and
    ``money(value)``, written out because a claim has about 20 of them (bench/README.md)."""
    system, code = AMOUNT_CATEGORY[kind]
    return {
        "category": {"coding": [{"system": system, "code": code}]},
        "amount": {"value": round(value, 2), "currency": "USD"},
    }


def _status(slice_name: str, code: str) -> JSON:
    """A network or payment status: ``concept(DISCRIMINATOR, slice_name)`` with the reason
    ``concept(PAYER_STATUS, code)``, written out like :func:`_amount`."""
    return {
        "category": {"coding": [{"system": DISCRIMINATOR, "code": slice_name}]},
        "reason": {"coding": [{"system": PAYER_STATUS, "code": code}]},
    }
