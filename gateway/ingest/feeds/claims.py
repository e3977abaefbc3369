"""The adjudicated-claims feed (``claims*.jsonl``): one claim with nested lines per line.

Claims map to CARIN BB 2.0.0 ExplanationOfBenefit resources; see docs/feeds/claims.md.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.members import DATE, KEY, NPI, json_resources
from mappings import claims
from mappings.claim_records import (
    AMOUNT_KINDS,
    CLAIM_TYPES,
    ClaimLineRecord,
    ClaimRecord,
    DiagnosisRecord,
    InstitutionalRecord,
    OralRecord,
    PharmacyRecord,
    ProcedureRecord,
    TransportRecord,
)

CODE_SYSTEMS = ("cpt", "hcpcs", "ndc", "cdt", "none")
LINE_SYSTEM = {
    "professional": ("cpt", "hcpcs"),
    "oral": ("cdt",),
    "pharmacy": ("ndc",),
    "inpatient": ("cpt", "hcpcs", "none"),
    "outpatient": ("cpt", "hcpcs", "none"),
}
ICD10 = validate.Regexp(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$", error="must be an ICD-10 code")


def _tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


class DiagnosisSchema(Schema):
    """A diagnosis on a claim."""

    code = fields.String(required=True, validate=ICD10)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            (
                "principal",
                "secondary",
                "admitting",
                "other",
                "externalcauseofinjury",
                "patientreasonforvisit",
            )
        ),
    )
    present_on_admission = fields.String(
        load_default=None, validate=validate.OneOf(("Y", "N", "U", "W", "1"))
    )

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> DiagnosisRecord:
        return DiagnosisRecord(**data)


class ProcedureSchema(Schema):
    """An ICD-10-PCS procedure."""

    code = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9A-HJ-NP-Z]{7}$", error="must be ICD-10-PCS")
    )
    kind = fields.String(required=True, validate=validate.OneOf(("principal", "other")))
    date = fields.String(required=True, validate=DATE)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> ProcedureRecord:
        return ProcedureRecord(**data)


class LineSchema(Schema):
    """A claim line and its adjudicated amounts."""

    sequence = fields.Integer(required=True, validate=validate.Range(min=1))
    code_system = fields.String(required=True, validate=validate.OneOf(CODE_SYSTEMS))
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    service_date = fields.String(required=True, validate=DATE)
    quantity = fields.Float(required=True, validate=validate.Range(min=0))
    amounts = fields.Dict(
        keys=fields.String(validate=validate.OneOf(AMOUNT_KINDS)),
        values=fields.Float(validate=validate.Range(min=0)),
        required=True,
    )
    revenue = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}$"))
    modifiers = fields.List(fields.String(validate=validate.Length(equal=2)), load_default=list)
    place_of_service = fields.String(load_default=None, validate=validate.Regexp(r"^\d{2}$"))
    denial_reasons = fields.List(
        fields.String(validate=validate.Length(min=1, max=5)), load_default=list
    )
    remark_codes = fields.List(fields.String(), load_default=list)
    allowed_units = fields.Float(load_default=None)
    tooth = fields.String(load_default=None)
    surface = fields.String(load_default=None)

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if "submitted" not in data["amounts"]:
            raise ValidationError("must include the submitted amount", "amounts")

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> ClaimLineRecord:
        return ClaimLineRecord(**_tuples(data))


class PharmacySchema(Schema):
    """NCPDP fields."""

    days_supply = fields.Integer(required=True, validate=validate.Range(min=1, max=366))
    daw = fields.String(required=True, validate=validate.OneOf([str(n) for n in range(10)]))
    refill_number = fields.Integer(required=True, validate=validate.Range(min=0))
    refills_authorized = fields.Integer(required=True, validate=validate.Range(min=0))
    brand_generic = fields.String(required=True, validate=validate.OneOf(("1", "2", "3")))
    rx_origin = fields.String(required=True, validate=validate.OneOf([str(n) for n in range(6)]))
    compound = fields.String(required=True, validate=validate.OneOf(("0", "1", "2")))
    prescriber_npi = fields.String(required=True, validate=NPI)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> PharmacyRecord:
        return PharmacyRecord(**data)


class InstitutionalSchema(Schema):
    """UB-04 fields."""

    type_of_bill = fields.String(required=True, validate=validate.Regexp(r"^\d{3,4}$"))
    point_of_origin = fields.String(required=True, validate=validate.Length(equal=1))
    admission_type = fields.String(required=True, validate=validate.Length(equal=1))
    discharge_status = fields.String(required=True, validate=validate.Regexp(r"^\d{2}$"))
    admission_start = fields.String(load_default=None, validate=DATE)
    admission_end = fields.String(load_default=None, validate=DATE)
    drg = fields.String(load_default=None, validate=validate.Regexp(r"^\d{3}$"))

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> InstitutionalRecord:
        return InstitutionalRecord(**data)


class OralSchema(Schema):
    """Dental claim facts."""

    orthodontic_months = fields.Integer(load_default=None)
    prosthesis_replacement = fields.Boolean(load_default=None)
    missing_teeth = fields.List(fields.String(), load_default=list)
    additional_sites = fields.List(fields.String(), load_default=list)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> OralRecord:
        return OralRecord(**_tuples(data))


class TransportSchema(Schema):
    """Ambulance transport facts."""

    patient_weight_lb = fields.Float(required=True, validate=validate.Range(min=1, max=1000))
    reason = fields.String(required=True, validate=validate.OneOf(("A", "B", "C", "D", "E")))
    distance_miles = fields.Float(required=True, validate=validate.Range(min=0))
    round_trip_purpose = fields.String(required=True)
    stretcher_purpose = fields.String(required=True)
    pickup = fields.String(required=True)
    dropoff = fields.String(required=True)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> TransportRecord:
        return TransportRecord(**data)


class ClaimSchema(Schema):
    """One adjudicated claim -> ``ClaimRecord``."""

    claim_id = fields.String(required=True, validate=KEY)
    claim_type = fields.String(required=True, validate=validate.OneOf(CLAIM_TYPES))
    member_id = fields.String(required=True, validate=KEY)
    coverage_key = fields.String(required=True, validate=KEY)
    payer_key = fields.String(required=True, validate=KEY)
    payer_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("active", "cancelled")))
    payment_status = fields.String(
        required=True, validate=validate.OneOf(("paid", "denied", "partiallypaid"))
    )
    under_appeal = fields.Boolean(load_default=False)
    billable_start = fields.String(required=True, validate=DATE)
    billable_end = fields.String(required=True, validate=DATE)
    created = fields.String(required=True, validate=DATE)
    received_date = fields.String(required=True, validate=DATE)
    billing_npi = fields.String(required=True, validate=NPI)
    billing_kind = fields.String(
        required=True, validate=validate.OneOf(("practitioner", "organization"))
    )
    billing_name = fields.String(required=True)
    rendering_npi = fields.String(load_default=None, validate=NPI)
    rendering_taxonomy = fields.String(load_default=None)
    facility_npi = fields.String(load_default=None, validate=NPI)
    in_network = fields.Boolean(required=True)
    medical_record_number = fields.String(load_default=None)
    patient_account_number = fields.String(load_default=None)
    payment_date = fields.String(load_default=None, validate=DATE)
    payment_amount = fields.Float(required=True, validate=validate.Range(min=0))
    lines = fields.List(fields.Nested(LineSchema), required=True, validate=validate.Length(min=1))
    diagnoses = fields.List(fields.Nested(DiagnosisSchema), load_default=list)
    procedures = fields.List(fields.Nested(ProcedureSchema), load_default=list)
    related_claim_id = fields.String(load_default=None, validate=KEY)
    pharmacy = fields.Nested(PharmacySchema, load_default=None)
    institutional = fields.Nested(InstitutionalSchema, load_default=None)
    oral = fields.Nested(OralSchema, load_default=None)
    transport = fields.Nested(TransportSchema, load_default=None)
    claim_level_amounts = fields.Boolean(load_default=False)
    notes = fields.List(fields.String(), load_default=list)

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        kind = data["claim_type"]
        if data["billable_end"] < data["billable_start"]:
            raise ValidationError("must not be before billable_start", "billable_end")
        if kind == "pharmacy" and data.get("pharmacy") is None:
            raise ValidationError("is required on pharmacy claims", "pharmacy")
        if kind in ("inpatient", "outpatient") and data.get("institutional") is None:
            raise ValidationError("is required on institutional claims", "institutional")
        if kind in ("professional", "inpatient", "outpatient", "oral") and not data["diagnoses"]:
            raise ValidationError("needs at least one diagnosis for this claim type", "diagnoses")
        if data["claim_level_amounts"] and kind not in ("inpatient", "outpatient"):
            raise ValidationError("is only for institutional claims", "claim_level_amounts")
        if kind == "oral" and data["billing_kind"] != "practitioner":
            raise ValidationError(
                "must be practitioner on oral claims (CARIN Oral)", "billing_kind"
            )
        for line in data["lines"]:
            if line.code_system not in LINE_SYSTEM[kind]:
                raise ValidationError(
                    f"code_system {line.code_system} is not used on {kind} claims", "lines"
                )

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> ClaimRecord:
        return ClaimRecord(**_tuples(data))


KINDS = (
    FeedKind(
        name="claims",
        file_pattern="claims*.jsonl",
        file_format="jsonl",
        schema=ClaimSchema,
        to_fhir=json_resources(("ExplanationOfBenefit", claims.explanation_of_benefit_json)),
        mapping_version=claims.MAPPING_VERSION,
        order=30,
        doc="docs/feeds/claims.md",
    ),
)
