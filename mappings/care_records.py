"""Internal care-management program records (plan vocabulary) that map to US Core care resources."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GoalRecord:
    """A goal of the member's care plan (SNOMED CT coded)."""

    goal_key: str
    code: str
    text: str
    lifecycle_status: str  # goal-status: proposed | active | completed | cancelled ...
    start_date: str
    due_date: str | None


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """An assessment (LOINC) or intervention (SNOMED CT) carried out under the program."""

    kind: str  # assessment | intervention
    code: str
    text: str
    status: str  # care-plan-activity-status
    date: str
    result: str | None = None  # e.g. an assessment score


@dataclass(frozen=True, slots=True)
class TeamMemberRecord:
    """A care-team member: a practitioner (by NPI) in a role (SNOMED CT)."""

    npi: str
    role_code: str
    role_text: str


@dataclass(frozen=True, slots=True)
class CareProgramRecord:
    """One enrollment of a member in a case- or disease-management program."""

    program_id: str
    member_id: str
    program_type: str  # case_management | disease_management
    condition_text: str
    status: str  # request-status: active | completed | revoked | on-hold
    start_date: str
    end_date: str | None
    risk_tier: str  # low | medium | high
    goals: tuple[GoalRecord, ...]
    activities: tuple[ActivityRecord, ...]
    team: tuple[TeamMemberRecord, ...]
