"""The enrollment feed (``members*.csv``): one row per member and coverage span (DESIGN D8).

Rows map to Patient, Coverage, the subscriber's RelatedPerson (for dependents) and the payer
Organization; see docs/feeds/members.md for the columns and rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import (
    ValidationError,
    validate,
)

from gateway.ingest.feeds.fields import Text
from gateway.ingest.feeds.kind import FeedKind, MappedResources
from gateway.ingest.feeds.schema import FeedSchema
from mappings import members, payer
from mappings.fhir_values import JSON
from mappings.member_records import MemberRecord, PayerRecord

DATE = validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error="must be a date YYYY-MM-DD")
KEY = validate.Regexp(r"^[A-Za-z0-9._-]{1,64}$", error="must be 1-64 letters, digits, . _ -")
NPI = validate.Regexp(r"^\d{10}$", error="must be a 10-digit NPI")
STATE = validate.Regexp(r"^[A-Z]{2}$", error="must be a two-letter USPS state code")
POSTAL = validate.Regexp(r"^\d{5}(-?\d{4})?$", error="must be a 5 or 9 digit ZIP code")
RELATIONSHIPS = ("self", "spouse", "child", "parent", "common", "other", "injured")
LINES_OF_BUSINESS = tuple(members.PAYER_TYPE)


def text(validator: Any = None) -> Text:
    """A required, non-empty string column (with an extra validator when given)."""
    checks = [validate.Length(min=1, max=200), *([validator] if validator else [])]
    return Text(required=True, validate=checks)


def optional(*validators: Any) -> Text:
    """An optional column (empty in the CSV means absent)."""
    return Text(load_default=None, allow_none=True, validate=list(validators))


def blank_to_none(data: Any) -> Any:
    """CSV gives empty strings for missing values; treat them as absent."""
    if isinstance(data, dict):
        return {k: (None if v == "" else v) for k, v in data.items()}
    return data


def json_resources(
    *builders: tuple[str, Callable[[Any], JSON | None]],
) -> Callable[[Any], MappedResources]:
    """A ``to_fhir`` giving each builder's JSON (skipping ``None``) with its resourceType.

    Mappings build plain JSON; the loader checks each resource's structure once with the
    fhir.resources models (``gateway.fhir.structure_issues``), so nothing is serialised twice.
    """

    def to_fhir(record: Any) -> MappedResources:
        out = []
        for resource_type, builder in builders:
            data = builder(record)
            if data is not None:
                out.append({"resourceType": resource_type, **data})
        return out

    return to_fhir


class MemberSchema(FeedSchema):
    """One enrollment row -> ``MemberRecord``."""

    member_id = text(KEY)
    subscriber_id = text(KEY)
    relationship = text(validate.OneOf(RELATIONSHIPS))
    given = text()
    family = text()
    birth_date = text(DATE)
    gender = text(validate.OneOf(("male", "female", "other", "unknown")))
    deceased_date = optional(DATE)
    phone = optional()
    email = optional(validate.Email())
    address_line = optional()
    city = optional()
    state = optional(STATE)
    postal_code = optional(POSTAL)
    address_since = optional(DATE)
    race = optional()
    ethnicity = optional()
    birth_sex = optional(validate.OneOf(("F", "M", "UNK")))
    tribal_affiliation = optional()
    language = optional()
    previous_family = optional()
    subscriber_given = optional()
    subscriber_family = optional()
    coverage_key = text(KEY)
    coverage_status = text(validate.OneOf(("active", "cancelled")))
    coverage_start = text(DATE)
    coverage_end = optional(DATE)
    plan_key = text(KEY)
    plan_name = text()
    line_of_business = text(validate.OneOf(LINES_OF_BUSINESS))
    group_id = text(KEY)
    group_name = text()
    pcp_npi = optional(NPI)
    payer_key = text(KEY)
    payer_name = text()
    payer_naic = text(validate.Regexp(r"^\d{5}$", error="must be a 5-digit NAIC code"))
    payer_tin = text(validate.Regexp(r"^\d{9}$", error="must be a 9-digit TIN"))
    payer_phone = text()
    payer_address_line = text()
    payer_city = text()
    payer_state = text(STATE)
    payer_postal_code = text(POSTAL)

    def prepare(self, data: Any) -> Any:
        return blank_to_none(data)

    def check(self, data: dict[str, Any]) -> None:
        if data.get("coverage_end") and data["coverage_end"] < data["coverage_start"]:
            raise ValidationError("must not be before coverage_start", "coverage_end")
        self_row = data["relationship"] == "self"
        if self_row != (data["member_id"] == data["subscriber_id"]):
            raise ValidationError(
                "is the member's own id exactly when relationship is self", "subscriber_id"
            )
        if data.get("deceased_date") and data["deceased_date"] < data["birth_date"]:
            raise ValidationError("must not be before birth_date", "deceased_date")

    def make(self, data: dict[str, Any]) -> MemberRecord:
        payer = PayerRecord(
            key=data.pop("payer_key"),
            name=data.pop("payer_name"),
            naic=data.pop("payer_naic"),
            tin=data.pop("payer_tin"),
            phone=data.pop("payer_phone"),
            address_line=data.pop("payer_address_line"),
            city=data.pop("payer_city"),
            state=data.pop("payer_state"),
            postal_code=data.pop("payer_postal_code"),
        )
        data["given"] = tuple(data["given"].split())
        data["subscriber_given"] = tuple((data.get("subscriber_given") or "").split())
        return MemberRecord(payer=payer, **data)


def member_payer_json(record: MemberRecord) -> JSON:
    """The payer Organization named on a member row."""
    return payer.payer_json(record.payer)


KINDS = (
    FeedKind(
        name="members",
        file_pattern="members*.csv",
        file_format="csv",
        schema=MemberSchema,
        to_fhir=json_resources(
            ("Organization", member_payer_json),
            ("Patient", members.patient_json),
            ("Coverage", members.coverage_json),
            ("RelatedPerson", members.related_person_json),
        ),
        mapping_version=members.MAPPING_VERSION,
        order=20,
        doc="docs/feeds/members.md",
    ),
)
