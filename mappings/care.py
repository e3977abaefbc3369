"""Care-management programs -> US Core CarePlan, CareTeam and Goal (6.1.0).

https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-careplan.html
https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-careteam.html
https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-goal.html
"""

from __future__ import annotations

from html import escape

from mappings.care_records import ActivityRecord, CareProgramRecord, GoalRecord
from mappings.fhir_values import (
    JSON,
    LOINC,
    PROGRAM_SYSTEM,
    SNOMED,
    US_CORE,
    compact,
    concept,
    meta,
    period,
    ref,
)
from mappings.ids import resource_id
from mappings.members import patient_id
from mappings.models import FHIRAbstractModel, build

MAPPING_VERSION = "care-1"
CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
PROGRAM_TEXT = {
    "case_management": "Case management",
    "disease_management": "Disease management",
}
TEAM_STATUS = {
    "active": "active",
    "on-hold": "suspended",
    "completed": "inactive",
    "revoked": "inactive",
}


def care_plan_id(program_id: str) -> str:
    """The CarePlan id of a program enrollment."""
    return resource_id("care-plan", program_id)


def care_team_id(program_id: str) -> str:
    """The CareTeam id of a program enrollment."""
    return resource_id("care-team", program_id)


def goal_id(program_id: str, goal_key: str) -> str:
    """The Goal id of one goal of a program."""
    return resource_id("goal", f"{program_id}:{goal_key}")


def care_plan_json(program: CareProgramRecord) -> JSON:
    """The program's assess-and-plan CarePlan as FHIR JSON."""
    title = f"{PROGRAM_TEXT[program.program_type]}: {program.condition_text}"
    description = f"{title} (risk tier {program.risk_tier})"
    return compact(
        {
            "id": care_plan_id(program.program_id),
            "meta": meta(f"{US_CORE}/us-core-careplan"),
            "text": {"status": "generated", "div": _div(description, program.activities)},
            "identifier": [{"system": PROGRAM_SYSTEM, "value": program.program_id}],
            "status": program.status,
            "intent": "plan",
            "category": [
                concept(CAREPLAN_CATEGORY, "assess-plan", "Assessment and Plan of Treatment")
            ],
            "title": title,
            "description": description,
            "subject": ref("Patient", patient_id(program.member_id)),
            "period": period(program.start_date, program.end_date),
            "careTeam": [ref("CareTeam", care_team_id(program.program_id))],
            "goal": [ref("Goal", goal_id(program.program_id, g.goal_key)) for g in program.goals],
            "activity": [_activity(a) for a in program.activities],
            "note": [{"text": f"Risk tier: {program.risk_tier}"}],
        }
    )


def to_care_plan(program: CareProgramRecord) -> FHIRAbstractModel:
    """A us-core-careplan CarePlan."""
    return build("CarePlan", care_plan_json(program))


def care_team_json(program: CareProgramRecord) -> JSON:
    """The program's CareTeam as FHIR JSON."""
    return {
        "id": care_team_id(program.program_id),
        "meta": meta(f"{US_CORE}/us-core-careteam"),
        "status": TEAM_STATUS.get(program.status, "active"),
        "name": f"{PROGRAM_TEXT[program.program_type]} team",
        "subject": ref("Patient", patient_id(program.member_id)),
        "period": period(program.start_date, program.end_date),
        "participant": [
            {
                "role": [concept(SNOMED, m.role_code, m.role_text)],
                "member": ref("Practitioner", resource_id("practitioner", m.npi)),
            }
            for m in program.team
        ],
    }


def to_care_team(program: CareProgramRecord) -> FHIRAbstractModel:
    """A us-core-careteam CareTeam."""
    return build("CareTeam", care_team_json(program))


def goal_json(program: CareProgramRecord, goal: GoalRecord) -> JSON:
    """One goal of the program as a us-core-goal Goal (FHIR JSON)."""
    return compact(
        {
            "id": goal_id(program.program_id, goal.goal_key),
            "meta": meta(f"{US_CORE}/us-core-goal"),
            "lifecycleStatus": goal.lifecycle_status,
            "description": concept(SNOMED, goal.code, goal.text, goal.text),
            "subject": ref("Patient", patient_id(program.member_id)),
            "startDate": goal.start_date,
            "target": [{"dueDate": goal.due_date}] if goal.due_date else None,
        }
    )


def to_goals(program: CareProgramRecord) -> list[FHIRAbstractModel]:
    """The program's goals as us-core-goal Goals."""
    return [build("Goal", goal_json(program, g)) for g in program.goals]


def _activity(activity: ActivityRecord) -> JSON:
    system = LOINC if activity.kind == "assessment" else SNOMED
    detail: JSON = {
        "kind": "ServiceRequest",
        "code": concept(system, activity.code, activity.text, activity.text),
        "status": activity.status,
        "scheduledString": activity.date,
        "description": f"{activity.text}: {activity.result}" if activity.result else activity.text,
    }
    return {"detail": detail}


def _div(description: str, activities: tuple[ActivityRecord, ...]) -> str:
    items = "".join(f"<li>{escape(a.date)}: {escape(a.text)}</li>" for a in activities)
    return (
        f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(description)}</p>'
        f"<ul>{items}</ul></div>"
        if items
        else f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(description)}</p></div>'
    )
