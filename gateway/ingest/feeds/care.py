"""The care-management feed (``care_programs*.jsonl``): one program enrollment per line.

Programs map to US Core CarePlan, CareTeam and Goal resources; see docs/feeds/care-programs.md.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from gateway.ingest.feeds.kind import FeedKind, MappedResources
from gateway.ingest.feeds.members import DATE, KEY, NPI
from mappings import care
from mappings.care_records import ActivityRecord, CareProgramRecord, GoalRecord, TeamMemberRecord

CODE = validate.Regexp(r"^[0-9-]{2,18}$", error="must be a SNOMED CT or LOINC code")


class GoalSchema(Schema):
    """A goal of the program."""

    goal_key = fields.String(required=True, validate=KEY)
    code = fields.String(required=True, validate=CODE)
    text = fields.String(required=True, validate=validate.Length(min=1))
    lifecycle_status = fields.String(
        required=True,
        validate=validate.OneOf(
            ("proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled")
        ),
    )
    start_date = fields.String(required=True, validate=DATE)
    due_date = fields.String(load_default=None, validate=DATE)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> GoalRecord:
        return GoalRecord(**data)


class ActivitySchema(Schema):
    """An assessment or intervention."""

    kind = fields.String(required=True, validate=validate.OneOf(("assessment", "intervention")))
    code = fields.String(required=True, validate=CODE)
    text = fields.String(required=True, validate=validate.Length(min=1))
    status = fields.String(
        required=True,
        validate=validate.OneOf(
            ("not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled")
        ),
    )
    date = fields.String(required=True, validate=DATE)
    result = fields.String(load_default=None)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> ActivityRecord:
        return ActivityRecord(**data)


class TeamMemberSchema(Schema):
    """A care-team member."""

    npi = fields.String(required=True, validate=NPI)
    role_code = fields.String(required=True, validate=CODE)
    role_text = fields.String(required=True, validate=validate.Length(min=1))

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> TeamMemberRecord:
        return TeamMemberRecord(**data)


class CareProgramSchema(Schema):
    """One program enrollment -> ``CareProgramRecord``."""

    program_id = fields.String(required=True, validate=KEY)
    member_id = fields.String(required=True, validate=KEY)
    program_type = fields.String(required=True, validate=validate.OneOf(tuple(care.PROGRAM_TEXT)))
    condition_text = fields.String(required=True, validate=validate.Length(min=1))
    status = fields.String(required=True, validate=validate.OneOf(tuple(care.TEAM_STATUS)))
    start_date = fields.String(required=True, validate=DATE)
    end_date = fields.String(load_default=None, validate=DATE)
    risk_tier = fields.String(required=True, validate=validate.OneOf(("low", "medium", "high")))
    goals = fields.List(fields.Nested(GoalSchema), load_default=list)
    activities = fields.List(fields.Nested(ActivitySchema), load_default=list)
    team = fields.List(
        fields.Nested(TeamMemberSchema), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("end_date") and data["end_date"] < data["start_date"]:
            raise ValidationError("must not be before start_date", "end_date")
        if data["status"] == "completed" and not data.get("end_date"):
            raise ValidationError("is required on a completed program", "end_date")
        keys = [g.goal_key for g in data.get("goals", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("goal_key values must be unique", "goals")

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> CareProgramRecord:
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
