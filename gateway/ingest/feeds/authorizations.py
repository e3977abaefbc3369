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
from mappings.authorization_records import (
    AUTH_STATUSES,
    AccidentRecord,
    AdmissionRecord,
    AuthorizationRecord,
    InformationRequestRecord,
    RequestErrorRecord,
)

DECIDED = ("approved", "partial", "denied")
FAILED_VALIDATION = ("denied", "pended")  # the statuses a request with errors can have
DIAGNOSIS_TYPES = ("admitting", "principal", "patientreasonforvisit")  # PAS X12278DiagnosisType
ACCIDENT_TYPES = ("AA", "AB", "AP", "EM", "OA")  # X12 1362 related causes
X12_CODE = validate.Regexp(r"^[0-9A-Z]{1,2}$", error="must be a 1-2 character X12 code")
# X12 278 CL1 (admission) and SV2 (institutional service) details
INSTITUTIONAL_ONLY = (
    "admission",
    "nursing_home_residential_status",
    "nursing_home_level_of_care",
    "revenue_code",
    "revenue_unit_rate_limit",
)
TEXT = validate.Length(min=1, max=264, error="must be 1-264 characters (X12 MSG01)")


class AdmissionSchema(Schema):
    """The inpatient stay of an institutional request -> ``AdmissionRecord``."""

    admission_date = fields.String(required=True, validate=DATE)
    discharge_date = fields.String(load_default=None, validate=DATE)
    admission_type = fields.String(load_default=None, validate=validate.Regexp(r"^[1-9]$"))

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("discharge_date") and data["discharge_date"] < data["admission_date"]:
            raise ValidationError("must not be before admission_date", "discharge_date")

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> AdmissionRecord:
        return AdmissionRecord(**data)


class AccidentSchema(Schema):
    """The accident a request follows from -> ``AccidentRecord``."""

    accident_type = fields.String(load_default=None, validate=validate.OneOf(ACCIDENT_TYPES))
    accident_date = fields.String(load_default=None, validate=DATE)

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("accident_type") and not data.get("accident_date"):
            raise ValidationError("needs accident_type or accident_date", "accident_type")

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> AccidentRecord:
        return AccidentRecord(**data)


class RequestErrorSchema(Schema):
    """A validation error on the request -> ``RequestErrorRecord``."""

    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{2}$"))
    follow_up_action = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Z]$"))
    element = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    path = fields.String(load_default=None, validate=validate.Length(min=1, max=256))

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> RequestErrorRecord:
        return RequestErrorRecord(**data)


class InformationRequestSchema(Schema):
    """What the payer needs before deciding -> ``InformationRequestRecord``."""

    category = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{2}$"))
    text = fields.String(required=True, validate=TEXT)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> InformationRequestRecord:
        return InformationRequestRecord(**data)


def _texts(validator: validate.Validator) -> fields.List[Any]:
    return fields.List(fields.String(validate=validator), load_default=tuple)


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
    # the request (all optional)
    requester_role = fields.String(load_default=None, validate=X12_CODE)
    requester_taxonomy = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{3}[0-9A-Z]{6}X$", error="must be a NUCC taxonomy code"),
    )
    event_date = fields.String(load_default=None, validate=DATE)
    event_end_date = fields.String(load_default=None, validate=DATE)
    admission = fields.Nested(AdmissionSchema, load_default=None)
    additional_information = _texts(validate.Length(min=1, max=80))
    message_text = _texts(TEXT)
    diagnosis_recorded_date = fields.String(load_default=None, validate=DATE)
    diagnosis_type = fields.String(load_default=None, validate=validate.OneOf(DIAGNOSIS_TYPES))
    accident = fields.Nested(AccidentSchema, load_default=None)
    # the requested service (all optional)
    request_type = fields.String(load_default=None, validate=X12_CODE)
    epsdt_indicator = fields.Boolean(load_default=None)
    nursing_home_residential_status = fields.String(load_default=None, validate=X12_CODE)
    nursing_home_level_of_care = fields.String(load_default=None, validate=X12_CODE)
    revenue_code = fields.String(
        load_default=None, validate=validate.Regexp(r"^\d{4}$", error="must be 4 digits")
    )
    revenue_unit_rate_limit = fields.Float(load_default=None, validate=validate.Range(min=0))
    modifiers = fields.List(
        fields.String(validate=validate.Regexp(r"^[0-9A-Z]{2}$")),
        load_default=tuple,
        validate=validate.Length(max=4),
    )
    place_of_service = fields.String(
        load_default=None, validate=validate.Regexp(r"^\d{2}$", error="must be 2 digits")
    )
    unit_price = fields.Float(load_default=None, validate=validate.Range(min=0))
    order_number = fields.String(load_default=None, validate=KEY)
    # the decision (all optional)
    communicated_diagnoses = fields.List(fields.String(validate=ICD10), load_default=tuple)
    decision_notes = _texts(TEXT)
    errors = fields.List(fields.Nested(RequestErrorSchema), load_default=tuple)
    information_request = fields.Nested(InformationRequestSchema, load_default=None)

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
        _request_rules(data)
        _decision_rules(data)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> AuthorizationRecord:
        lists = ("additional_information", "message_text", "modifiers")
        tuples = {k: tuple(data[k]) for k in (*lists, "communicated_diagnoses", "errors")}
        return AuthorizationRecord(**{**data, **tuples})


def _request_rules(data: dict[str, Any]) -> None:
    """Cross-field rules of the optional request details."""
    if data.get("event_end_date") and not data.get("event_date"):
        raise ValidationError("needs event_date", "event_end_date")
    if data.get("event_end_date") and data["event_end_date"] < data["event_date"]:
        raise ValidationError("must not be before event_date", "event_end_date")
    institutional = data["claim_type"] == "institutional"
    for name in INSTITUTIONAL_ONLY:
        if data.get(name) is not None and not institutional:
            raise ValidationError("is only for institutional requests", name)
    recorded = data.get("diagnosis_recorded_date")
    if recorded and recorded > data["request_date"]:
        raise ValidationError("must not be after request_date", "diagnosis_recorded_date")
    accident = data.get("accident")
    if accident and accident.accident_date and accident.accident_date > data["request_date"]:
        late = {"accident_date": ["must not be after request_date"]}
        raise ValidationError({"accident": late})


def _decision_rules(data: dict[str, Any]) -> None:
    """Cross-field rules of the optional decision details."""
    if data.get("errors") and data["status"] not in FAILED_VALIDATION:
        raise ValidationError("are only for denied or pended requests", "errors")
    if data.get("information_request") and data["status"] != "pended":
        raise ValidationError("is only for pended requests", "information_request")


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
