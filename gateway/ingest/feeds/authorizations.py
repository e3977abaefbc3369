"""The prior-authorization feed (``authorizations*.jsonl``): one authorization per line.

Authorizations map to Da Vinci PDex prior-authorization EOBs and PAS Claim / ClaimResponse
pairs; see
docs/feeds/prior-authorizations.md.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from gateway.ingest.feeds.claims import ICD10
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.members import DATE, KEY, NPI, json_resources
from mappings import authorizations, pas
from mappings.authorization_records import AUTH_STATUSES, AuthorizationRecord

DECIDED = ("approved", "partial", "denied")


class AuthorizationSchema(Schema):
    """One prior authorization -> ``AuthorizationRecord``."""

    auth_number = fields.String(required=True, validate=KEY)
    member_id = fields.String(required=True, validate=KEY)
    coverage_key = fields.String(required=True, validate=KEY)
    payer_key = fields.String(required=True, validate=KEY)
    payer_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(AUTH_STATUSES))
    claim_type = fields.String(
        required=True, validate=validate.OneOf(("professional", "institutional"))
    )
    service_type = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{1,2}$"))
    code_system = fields.String(required=True, validate=validate.OneOf(("cpt", "hcpcs")))
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{5}$"))
    level_of_service = fields.String(required=True, validate=validate.Length(min=1, max=2))
    request_date = fields.String(required=True, validate=DATE)
    decision_date = fields.String(load_default=None, validate=DATE)
    start_date = fields.String(required=True, validate=DATE)
    end_date = fields.String(required=True, validate=DATE)
    requested_quantity = fields.Float(required=True, validate=validate.Range(min=0))
    approved_quantity = fields.Float(required=True, validate=validate.Range(min=0))
    used_quantity = fields.Float(required=True, validate=validate.Range(min=0))
    requested_amount = fields.Float(required=True, validate=validate.Range(min=0))
    approved_amount = fields.Float(required=True, validate=validate.Range(min=0))
    requesting_npi = fields.String(required=True, validate=NPI)
    servicing_npi = fields.String(required=True, validate=NPI)
    requesting_organization_npi = fields.String(required=True, validate=NPI)
    diagnosis = fields.String(required=True, validate=ICD10)
    denial_reason = fields.String(load_default=None, validate=validate.Length(min=1, max=5))
    review_reason = fields.String(load_default=None, validate=validate.Length(min=1, max=3))
    previous_auth_number = fields.String(load_default=None, validate=KEY)
    facility_location_key = fields.String(load_default=None)

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if data["end_date"] < data["start_date"]:
            raise ValidationError("must not be before start_date", "end_date")
        if data["status"] in DECIDED and not data.get("decision_date"):
            raise ValidationError("is required once a decision is made", "decision_date")
        if data.get("decision_date") and data["decision_date"] < data["request_date"]:
            raise ValidationError("must not be before request_date", "decision_date")
        if data["status"] == "denied" and not data.get("denial_reason"):
            raise ValidationError("is required on a denied authorization", "denial_reason")
        if data["used_quantity"] > data["approved_quantity"]:
            raise ValidationError("must not exceed approved_quantity", "used_quantity")

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> AuthorizationRecord:
        return AuthorizationRecord(**data)


KINDS = (
    FeedKind(
        name="authorizations",
        file_pattern="authorizations*.jsonl",
        file_format="jsonl",
        schema=AuthorizationSchema,
        to_fhir=json_resources(
            ("ExplanationOfBenefit", authorizations.prior_authorization_json),
            ("Claim", pas.pas_claim_json),
            ("ClaimResponse", pas.pas_claim_response_json),
        ),
        mapping_version=authorizations.MAPPING_VERSION,
        order=40,
        doc="docs/feeds/prior-authorizations.md",
    ),
)
