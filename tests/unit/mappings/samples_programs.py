"""Sample prior-authorization and care-program records (golden files and validation)."""

from __future__ import annotations

from dataclasses import replace

from mappings.authorization_records import AuthorizationRecord
from mappings.care_records import ActivityRecord, CareProgramRecord, GoalRecord, TeamMemberRecord

APPROVED_AUTH = AuthorizationRecord(
    auth_number="DEMO-0003-PA01",
    member_id="DEMO-0003",
    coverage_key="DEMO-0003-plan-hmo",
    payer_key="demo-payer",
    payer_name="Demo Health Plan",
    status="approved",
    claim_type="professional",
    service_type="1",
    code_system="cpt",
    code="97110",
    level_of_service="E",
    request_date="2024-01-02",
    decision_date="2024-01-04",
    start_date="2024-01-05",
    end_date="2024-04-04",
    requested_quantity=12.0,
    approved_quantity=12.0,
    used_quantity=4.0,
    requested_amount=1140.0,
    approved_amount=1140.0,
    requesting_npi="1234567893",
    servicing_npi="1245319599",
    requesting_organization_npi="1356448619",
    diagnosis="M54.50",
    previous_auth_number="DEMO-0003-PA00",
    facility_location_key="harbor-clinic",
)
DENIED_AUTH = replace(
    APPROVED_AUTH,
    auth_number="DEMO-0003-PA02",
    status="denied",
    approved_quantity=0.0,
    used_quantity=0.0,
    approved_amount=0.0,
    denial_reason="197",
    review_reason="AA",
    previous_auth_number=None,
    facility_location_key=None,
)
PENDED_AUTH = replace(
    APPROVED_AUTH,
    auth_number="DEMO-0003-PA03",
    status="pended",
    decision_date=None,
    approved_quantity=0.0,
    used_quantity=0.0,
    approved_amount=0.0,
    previous_auth_number=None,
)

PROGRAM = CareProgramRecord(
    program_id="DEMO-0003-CM01",
    member_id="DEMO-0003",
    program_type="disease_management",
    condition_text="Type 2 diabetes",
    status="active",
    start_date="2024-01-01",
    end_date=None,
    risk_tier="high",
    goals=(
        GoalRecord(
            "G1",
            "698360004",
            "Diabetes self-management plan agreed",
            "active",
            "2024-01-01",
            "2024-12-31",
        ),
    ),
    activities=(
        ActivityRecord(
            "assessment",
            "44249-1",
            "PHQ-9 quick depression assessment panel",
            "completed",
            "2024-01-08",
            "score 7",
        ),
        ActivityRecord(
            "intervention", "385804009", "Diabetic care education", "in-progress", "2024-01-15"
        ),
    ),
    team=(TeamMemberRecord("1234567893", "768730001", "Case manager"),),
)
