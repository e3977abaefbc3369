"""One sample record per record kind the member-side mappings handle (golden and validation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mappings import authorizations, care, claims, members, pas, payer
from mappings.claim_records import (
    ClaimLineRecord,
    ClaimRecord,
    DiagnosisRecord,
    InstitutionalRecord,
    OralRecord,
    PharmacyRecord,
    ProcedureRecord,
    TransportRecord,
)
from mappings.member_records import MemberRecord, PayerRecord
from tests.unit.mappings.samples_programs import (
    APPROVED_AUTH,
    DENIED_AUTH,
    INPATIENT_AUTH,
    PENDED_AUTH,
    PROGRAM,
)

PAYER = PayerRecord(
    "demo-payer",
    "Demo Health Plan",
    "95000",
    "046000001",
    "(800) 555-0100",
    "100 Health Plan Way",
    "Boston",
    "MA",
    "02110",
)
SUBSCRIBER = MemberRecord(
    member_id="DEMO-0003",
    subscriber_id="DEMO-0003",
    relationship="self",
    given=("Pat",),
    family="Parent",
    birth_date="1978-09-09",
    gender="female",
    deceased_date=None,
    phone="(555) 201-0000",
    email="pat@example.org",
    address_line="12 Demo Street",
    city="Boston",
    state="MA",
    postal_code="02110",
    address_since="2015-01-01",
    race="2106-3",
    ethnicity="2186-5",
    birth_sex="F",
    tribal_affiliation="40",
    language="en",
    previous_family="Former",
    coverage_key="DEMO-0003-plan-hmo",
    coverage_status="active",
    coverage_start="2016-01-01",
    coverage_end=None,
    plan_key="plan-hmo",
    plan_name="Demo HMO plan",
    line_of_business="HMO",
    group_id="GRP-HMO-01",
    group_name="Hmo group 1",
    pcp_npi="1234567893",
    payer=PAYER,
)
DEPENDENT = replace(
    SUBSCRIBER,
    member_id="DEMO-0004",
    relationship="child",
    given=("Kim",),
    birth_date="2012-03-03",
    coverage_key="DEMO-0004-plan-hmo",
    subscriber_given=("Pat",),
    subscriber_family="Parent",
    tribal_affiliation=None,
    previous_family=None,
    deceased_date=None,
)
AMOUNTS = {
    "submitted": 200.0,
    "allowed": 150.0,
    "paid": 100.0,
    "member_liability": 50.0,
    "copay": 20.0,
    "coinsurance": 20.0,
    "deductible": 10.0,
}
LINE = ClaimLineRecord(
    sequence=1,
    code_system="cpt",
    code="99213",
    service_date="2024-03-01",
    quantity=1.0,
    amounts=AMOUNTS,
    place_of_service="11",
    modifiers=("25",),
    allowed_units=1.0,
)
PROFESSIONAL = ClaimRecord(
    claim_id="DEMO-0003-C001",
    claim_type="professional",
    member_id="DEMO-0003",
    coverage_key="DEMO-0003-plan-hmo",
    payer_key="demo-payer",
    payer_name="Demo Health Plan",
    status="active",
    payment_status="paid",
    under_appeal=False,
    billable_start="2024-03-01",
    billable_end="2024-03-01",
    created="2024-03-05",
    received_date="2024-03-03",
    billing_npi="1356448619",
    billing_kind="organization",
    billing_name="Harbor Clinic",
    rendering_npi="1234567893",
    rendering_taxonomy="207Q00000X",
    facility_npi="1356448619",
    in_network=True,
    medical_record_number="MRN0000001",
    patient_account_number="PAN00000001",
    payment_date="2024-03-19",
    payment_amount=100.0,
    lines=(LINE,),
    diagnoses=(DiagnosisRecord("E11.9", "principal"), DiagnosisRecord("I10", "secondary")),
    related_claim_id="DEMO-0003-C001-ORIG",
    notes=("Claim adjudicated.",),
)
AMBULANCE = replace(
    PROFESSIONAL,
    claim_id="DEMO-0003-C007",
    lines=(replace(LINE, code_system="hcpcs", code="A0428", modifiers=()),),
    transport=TransportRecord(
        154.0,
        "A",
        12.0,
        "Dialysis and return home",
        "Cannot sit upright",
        "Member's home",
        "Bay Hospital",
    ),
)
DENIED = replace(
    PROFESSIONAL,
    claim_id="DEMO-0003-C002",
    payment_status="denied",
    under_appeal=True,
    payment_date=None,
    payment_amount=0.0,
    lines=(
        replace(
            LINE,
            amounts={"submitted": 200.0, "noncovered": 200.0, "paid": 0.0},
            denial_reasons=("197",),
        ),
    ),
)
PHARMACY = replace(
    PROFESSIONAL,
    claim_id="DEMO-0003-C003",
    claim_type="pharmacy",
    facility_npi=None,
    billing_npi="1578666821",
    billing_name="Corner Pharmacy",
    diagnoses=(),
    lines=(
        replace(
            LINE,
            code_system="ndc",
            code="00093-7180-56",
            quantity=30.0,
            place_of_service=None,
            modifiers=(),
            allowed_units=None,
        ),
    ),
    pharmacy=PharmacyRecord(30, "0", 1, 3, "1", "1", "1", "1234567893"),
)
INPATIENT = replace(
    PROFESSIONAL,
    claim_id="DEMO-0003-C004",
    claim_type="inpatient",
    facility_npi=None,
    billing_npi="1467557710",
    billing_name="Bay Hospital",
    billable_end="2024-03-04",
    diagnoses=(DiagnosisRecord("E11.9", "principal", "Y"), DiagnosisRecord("I10", "other", "N")),
    procedures=(ProcedureRecord("0DTJ4ZZ", "principal", "2024-03-01"),),
    lines=(replace(LINE, revenue="0120", place_of_service=None, modifiers=()),),
    institutional=InstitutionalRecord("0111", "1", "2", "01", "2024-03-01", "2024-03-04", "470"),
)
OUTPATIENT = replace(
    INPATIENT,
    claim_id="DEMO-0003-C005",
    claim_type="outpatient",
    procedures=(),
    claim_level_amounts=True,
    billable_end="2024-03-01",
    diagnoses=(DiagnosisRecord("E11.9", "principal"), DiagnosisRecord("I10", "other")),
    lines=(replace(LINE, revenue="0450", place_of_service=None, modifiers=()),),
    institutional=InstitutionalRecord("0131", "1", "3", "01"),
)
ORAL = replace(
    PROFESSIONAL,
    claim_id="DEMO-0003-C006",
    claim_type="oral",
    billing_kind="practitioner",
    billing_npi="1245319599",
    billing_name="Dr. Ben Ito",
    diagnoses=(DiagnosisRecord("K02.9", "principal"),),
    lines=(replace(LINE, code_system="cdt", code="D2392", tooth="3", surface="O", modifiers=()),),
    oral=OralRecord(12, False, ("1",), ("2",)),
)


# name -> (builder of FHIR JSON, record)
SAMPLES: dict[str, tuple[Callable[[Any], dict[str, Any] | None], Any]] = {
    "patient-subscriber": (members.patient_json, SUBSCRIBER),
    "patient-dependent": (members.patient_json, DEPENDENT),
    "coverage-dependent": (members.coverage_json, DEPENDENT),
    "related-person": (members.related_person_json, DEPENDENT),
    "payer-organization": (payer.payer_json, PAYER),
    "eob-professional": (claims.explanation_of_benefit_json, PROFESSIONAL),
    "eob-professional-denied-appeal": (claims.explanation_of_benefit_json, DENIED),
    "eob-professional-ambulance": (claims.explanation_of_benefit_json, AMBULANCE),
    "eob-pharmacy": (claims.explanation_of_benefit_json, PHARMACY),
    "eob-inpatient": (claims.explanation_of_benefit_json, INPATIENT),
    "eob-outpatient": (claims.explanation_of_benefit_json, OUTPATIENT),
    "eob-oral": (claims.explanation_of_benefit_json, ORAL),
    "priorauth-approved": (authorizations.prior_authorization_json, APPROVED_AUTH),
    "priorauth-denied": (authorizations.prior_authorization_json, DENIED_AUTH),
    "priorauth-pended": (authorizations.prior_authorization_json, PENDED_AUTH),
    "pasclaim-approved": (pas.pas_claim_json, APPROVED_AUTH),
    "pasclaim-inpatient": (pas.pas_claim_json, INPATIENT_AUTH),
    "pasclaim-pended": (pas.pas_claim_json, PENDED_AUTH),
    "pasclaimresponse-approved": (pas.pas_claim_response_json, APPROVED_AUTH),
    "pasclaimresponse-denied": (pas.pas_claim_response_json, DENIED_AUTH),
    "pasclaimresponse-pended": (pas.pas_claim_response_json, PENDED_AUTH),
    "careplan": (care.care_plan_json, PROGRAM),
    "careteam": (care.care_team_json, PROGRAM),
    "goal": (lambda program: care.goal_json(program, program.goals[0]), PROGRAM),
}
RESOURCE_TYPE = {
    "patient": "Patient",
    "coverage": "Coverage",
    "related": "RelatedPerson",
    "payer": "Organization",
    "eob": "ExplanationOfBenefit",
    "priorauth": "ExplanationOfBenefit",
    "pasclaim": "Claim",
    "pasclaimresponse": "ClaimResponse",
    "careplan": "CarePlan",
    "careteam": "CareTeam",
    "goal": "Goal",
}


def sample_json(name: str) -> dict[str, Any]:
    """The FHIR JSON of a sample, with its resourceType."""
    build, record = SAMPLES[name]
    data = build(record)
    assert data is not None
    return {"resourceType": RESOURCE_TYPE[name.split("-")[0]], **data}
