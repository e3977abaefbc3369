"""The optional request and decision details of a demo prior authorization (PAS fields).

Each authorization draws from its own generator seeded by its number and request date, so the
details never shift the main stream the other demo feeds are drawn from.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from gateway.ingest.demo.pool import Provider

# code -> (place of service, HCPCS / CPT modifiers, attachment, X12 755 report type)
SERVICE_DETAILS = {
    "97110": ("11", ("GP",), "Physical therapy evaluation", "09"),
    "70553": ("22", (), "Neurology consult note", "08"),
    "27447": ("21", ("RT", "LT"), "Operative plan and knee X-ray report", "15"),
    "E0601": ("12", ("RR", "NU"), "Sleep study report", "08"),
    "90837": ("11", (), "Behavioral health treatment plan", "09"),
}
ACCIDENT_PRONE = ("97110", "70553")  # therapy and imaging often follow an injury
MESSAGES = (
    "Patient failed six weeks of conservative therapy.",
    "Please expedite: symptoms worsening.",
    "Records from the previous provider are attached.",
)
NOTES = {
    "approved": "Meets medical necessity criteria.",
    "partial": "Approved for fewer units than requested; resubmit with progress notes.",
    "denied": "Documentation does not support medical necessity.",
}
# X12 901 reject reason, X12 889 follow-up action, X12 element, FHIR path
ERRORS = (
    ("57", "C", "2000F-DTP03", "Claim.item[0].servicedPeriod"),
    ("15", "C", "2000F-SV101", "Claim.item[0].productOrService"),
    ("04", "C", "2000F-HSD02", "Claim.item[0].quantity"),
)


def pas_details(
    row: dict[str, Any], member: dict[str, Any], organization: Provider
) -> dict[str, Any]:
    """The optional PAS fields of one demo authorization row, in realistic proportions."""
    rng = random.Random(f"{row['auth_number']}|{row['request_date']}")
    return {
        **_requester(rng, row, organization),
        **_request(rng, row),
        **_service(rng, row, member),
        **_decision(rng, row),
    }


def _requester(rng: random.Random, row: dict[str, Any], organization: Provider) -> dict[str, Any]:
    if rng.random() >= 0.85:
        return {}
    role = "AD" if row["claim_type"] == "institutional" else rng.choice(("RF", "PE"))
    return {"requester_role": role, "requester_taxonomy": organization.taxonomy}


def _request(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    requested = date.fromisoformat(row["request_date"])
    if rng.random() < 0.6:
        out["event_date"] = row["start_date"]
        if row["requested_quantity"] > 1:
            out["event_end_date"] = row["end_date"]
    if row["claim_type"] == "institutional":
        out["admission"] = _admission(rng, row)
    if rng.random() < 0.3:
        out["additional_information"] = [SERVICE_DETAILS[row["code"]][2]]
    if rng.random() < 0.2:
        out["message_text"] = [rng.choice(MESSAGES)]
    if rng.random() < 0.7:
        out["diagnosis_recorded_date"] = (requested - timedelta(rng.randint(0, 60))).isoformat()
    if rng.random() < 0.8:
        institutional = row["claim_type"] == "institutional"
        out["diagnosis_type"] = "admitting" if institutional else "principal"
    if row["code"] in ACCIDENT_PRONE and rng.random() < 0.2:
        out["accident"] = _accident(rng, requested)
    return out


def _admission(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    admitted = date.fromisoformat(row["start_date"])
    out: dict[str, Any] = {"admission_date": admitted.isoformat()}
    if rng.random() < 0.8:
        out["discharge_date"] = (admitted + timedelta(rng.randint(1, 4))).isoformat()
    if rng.random() < 0.85:  # NUBC: 1 emergency, 2 urgent, 3 elective
        out["admission_type"] = "2" if row["level_of_service"] == "U" else "3"
    return out


def _accident(rng: random.Random, requested: date) -> dict[str, Any]:
    out: dict[str, Any] = {"accident_type": rng.choice(("AA", "EM", "OA"))}
    if rng.random() < 0.75:  # the requester does not always know the date
        out["accident_date"] = (requested - timedelta(rng.randint(3, 90))).isoformat()
    return out


def _service(rng: random.Random, row: dict[str, Any], member: dict[str, Any]) -> dict[str, Any]:
    place, modifiers, _, _ = SERVICE_DETAILS[row["code"]]
    institutional = row["claim_type"] == "institutional"
    out: dict[str, Any] = {}
    if rng.random() < 0.9:
        out["request_type"] = "AR" if institutional else rng.choice(("HS", "HS", "SC"))
    if member.get("line_of_business") == "MEDICAID":
        out["epsdt_indicator"] = _age(member, row) < 21
    if institutional and _age(member, row) >= 65 and rng.random() < 0.4:
        # a nursing-home resident admitted to hospital (codes of the PAS examples)
        out |= {"nursing_home_residential_status": "2", "nursing_home_level_of_care": "2"}
    if institutional:
        out["revenue_code"] = "0360"  # operating room services
        if rng.random() < 0.5:
            out["revenue_unit_rate_limit"] = row["requested_amount"]
    if modifiers and rng.random() < 0.7:
        out["modifiers"] = [rng.choice(modifiers)]
    if rng.random() < 0.8:
        out["place_of_service"] = place
    if rng.random() < 0.6 and row["requested_quantity"]:
        out["unit_price"] = round(row["requested_amount"] / row["requested_quantity"], 2)
    if rng.random() < 0.5:
        out["order_number"] = f"ORD-{rng.randint(100000, 999999)}"
    return out


def _decision(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    status = row["status"]
    out: dict[str, Any] = {}
    if status in NOTES and rng.random() < 0.5:
        out["decision_notes"] = [NOTES[status]]
        out["communicated_diagnoses"] = [row["diagnosis"]]
    if status in ("denied", "pended") and rng.random() < 0.3:
        code, action, element, path = rng.choice(ERRORS)
        error = {"code": code, "follow_up_action": action, "element": element, "path": path}
        out["errors"] = [error]
    if status == "pended" and rng.random() < 0.6:
        category = SERVICE_DETAILS[row["code"]][3]
        text = "Send the documentation supporting the request."
        out["information_request"] = {"category": category, "text": text}
    return out


def _age(member: dict[str, Any], row: dict[str, Any]) -> int:
    born = member.get("birth_date") or row["request_date"]
    return int(row["request_date"][:4]) - int(born[:4])
