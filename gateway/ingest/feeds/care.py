"""The care-management feed (``care_programs*.jsonl``): one program enrollment per line.

Programs map to US Core CarePlan, CareTeam and Goal resources; see docs/feeds/care-programs.md.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate

from gateway.ingest.feeds.fields import QuickList, Text
from gateway.ingest.feeds.kind import FeedKind, MappedResources
from gateway.ingest.feeds.members import DATE, KEY, NPI
from gateway.ingest.feeds.schema import FeedSchema, QuickNested
from mappings import care
from mappings.care_records import ActivityRecord, CareProgramRecord, GoalRecord, TeamMemberRecord

CODE = validate.Regexp(r"^[0-9-]{2,18}$", error="must be a SNOMED CT or LOINC code")


class GoalSchema(FeedSchema):
    """A goal of the program."""

    goal_key = Text(required=True, validate=KEY)
    code = Text(required=True, validate=CODE)
    text = Text(required=True, validate=validate.Length(min=1))
    lifecycle_status = Text(
        required=True,
        validate=validate.OneOf(
            ("proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled")
        ),
    )
    start_date = Text(required=True, validate=DATE)
    due_date = Text(load_default=None, validate=DATE)

    def make(self, data: dict[str, Any]) -> GoalRecord:
        return GoalRecord(**data)


class ActivitySchema(FeedSchema):
    """An assessment or intervention."""

    kind = Text(required=True, validate=validate.OneOf(("assessment", "intervention")))
    code = Text(required=True, validate=CODE)
    text = Text(required=True, validate=validate.Length(min=1))
    status = Text(
        required=True,
        validate=validate.OneOf(
            ("not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled")
        ),
    )
    date = Text(required=True, validate=DATE)
    result = Text(load_default=None)

    def make(self, data: dict[str, Any]) -> ActivityRecord:
        return ActivityRecord(**data)


class TeamMemberSchema(FeedSchema):
    """A care-team member."""

    npi = Text(required=True, validate=NPI)
    role_code = Text(required=True, validate=CODE)
    role_text = Text(required=True, validate=validate.Length(min=1))

    def make(self, data: dict[str, Any]) -> TeamMemberRecord:
        return TeamMemberRecord(**data)


class CareProgramSchema(FeedSchema):
    """One program enrollment -> ``CareProgramRecord``."""

    program_id = Text(required=True, validate=KEY)
    member_id = Text(required=True, validate=KEY)
    program_type = Text(required=True, validate=validate.OneOf(tuple(care.PROGRAM_TEXT)))
    condition_text = Text(required=True, validate=validate.Length(min=1))
    status = Text(required=True, validate=validate.OneOf(tuple(care.TEAM_STATUS)))
    start_date = Text(required=True, validate=DATE)
    end_date = Text(load_default=None, validate=DATE)
    risk_tier = Text(required=True, validate=validate.OneOf(("low", "medium", "high")))
    goals = QuickList(QuickNested(GoalSchema), load_default=list)
    activities = QuickList(QuickNested(ActivitySchema), load_default=list)
    team = QuickList(QuickNested(TeamMemberSchema), required=True, validate=validate.Length(min=1))

    def check(self, data: dict[str, Any]) -> None:
        if data.get("end_date") and data["end_date"] < data["start_date"]:
            raise ValidationError("must not be before start_date", "end_date")
        if data["status"] == "completed" and not data.get("end_date"):
            raise ValidationError("is required on a completed program", "end_date")
        keys = [g.goal_key for g in data.get("goals", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("goal_key values must be unique", "goals")

    def make(self, data: dict[str, Any]) -> CareProgramRecord:
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return CareProgramRecord(**values)


def care_resources(program: CareProgramRecord) -> MappedResources:
    """A program's CarePlan, CareTeam and Goals as FHIR JSON."""
    return [
        {"resourceType": "CarePlan", **care.care_plan_json(program)},
        {"resourceType": "CareTeam", **care.care_team_json(program)},
        *({"resourceType": "Goal", **care.goal_json(program, g)} for g in program.goals),
    ]


KINDS = (
    FeedKind(
        name="care_programs",
        file_pattern="care_programs*.jsonl",
        file_format="jsonl",
        schema=CareProgramSchema,
        to_fhir=care_resources,
        mapping_version=care.MAPPING_VERSION,
        order=50,
        doc="docs/feeds/care-programs.md",
    ),
)
