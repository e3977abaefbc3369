"""The adjudicated-claims feed (``claims*.jsonl``): one claim with nested lines per line.

Claims map to CARIN BB 2.0.0 ExplanationOfBenefit resources; see docs/feeds/claims.md.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate

from gateway.ingest.feeds.fields import Flag, QuickDict, QuickList, Real, Text, Whole
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.members import DATE, KEY, NPI, json_resources
from gateway.ingest.feeds.schema import FeedSchema, QuickNested
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


class DiagnosisSchema(FeedSchema):
    """A diagnosis on a claim."""

    code = Text(required=True, validate=ICD10)
    kind = Text(
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
    present_on_admission = Text(
        load_default=None, validate=validate.OneOf(("Y", "N", "U", "W", "1"))
    )

    def make(self, data: dict[str, Any]) -> DiagnosisRecord:
        return DiagnosisRecord(**data)


class ProcedureSchema(FeedSchema):
    """An ICD-10-PCS procedure."""

    code = Text(
        required=True, validate=validate.Regexp(r"^[0-9A-HJ-NP-Z]{7}$", error="must be ICD-10-PCS")
    )
    kind = Text(required=True, validate=validate.OneOf(("principal", "other")))
    date = Text(required=True, validate=DATE)

    def make(self, data: dict[str, Any]) -> ProcedureRecord:
        return ProcedureRecord(**data)


class LineSchema(FeedSchema):
    """A claim line and its adjudicated amounts."""

    sequence = Whole(required=True, validate=validate.Range(min=1))
    code_system = Text(required=True, validate=validate.OneOf(CODE_SYSTEMS))
    code = Text(required=True, validate=validate.Length(min=1, max=20))
    service_date = Text(required=True, validate=DATE)
    quantity = Real(required=True, validate=validate.Range(min=0))
    amounts = QuickDict(
        keys=Text(validate=validate.OneOf(AMOUNT_KINDS)),
        values=Real(validate=validate.Range(min=0)),
        required=True,
    )
    revenue = Text(load_default=None, validate=validate.Regexp(r"^\d{4}$"))
    modifiers = QuickList(Text(validate=validate.Length(equal=2)), load_default=list)
    place_of_service = Text(load_default=None, validate=validate.Regexp(r"^\d{2}$"))
    denial_reasons = QuickList(Text(validate=validate.Length(min=1, max=5)), load_default=list)
    remark_codes = QuickList(Text(), load_default=list)
    allowed_units = Real(load_default=None)
    tooth = Text(load_default=None)
    surface = Text(load_default=None)

    def check(self, data: dict[str, Any]) -> None:
        if "submitted" not in data["amounts"]:
            raise ValidationError("must include the submitted amount", "amounts")

    def make(self, data: dict[str, Any]) -> ClaimLineRecord:
        return ClaimLineRecord(**_tuples(data))


class PharmacySchema(FeedSchema):
    """NCPDP fields."""

    days_supply = Whole(required=True, validate=validate.Range(min=1, max=366))
    daw = Text(required=True, validate=validate.OneOf([str(n) for n in range(10)]))
    refill_number = Whole(required=True, validate=validate.Range(min=0))
    refills_authorized = Whole(required=True, validate=validate.Range(min=0))
    brand_generic = Text(required=True, validate=validate.OneOf(("1", "2", "3")))
    rx_origin = Text(required=True, validate=validate.OneOf([str(n) for n in range(6)]))
    compound = Text(required=True, validate=validate.OneOf(("0", "1", "2")))
    prescriber_npi = Text(required=True, validate=NPI)

    def make(self, data: dict[str, Any]) -> PharmacyRecord:
        return PharmacyRecord(**data)


class InstitutionalSchema(FeedSchema):
    """UB-04 fields."""

    type_of_bill = Text(required=True, validate=validate.Regexp(r"^\d{3,4}$"))
    point_of_origin = Text(required=True, validate=validate.Length(equal=1))
    admission_type = Text(required=True, validate=validate.Length(equal=1))
    discharge_status = Text(required=True, validate=validate.Regexp(r"^\d{2}$"))
    admission_start = Text(load_default=None, validate=DATE)
    admission_end = Text(load_default=None, validate=DATE)
    drg = Text(load_default=None, validate=validate.Regexp(r"^\d{3}$"))

    def make(self, data: dict[str, Any]) -> InstitutionalRecord:
        return InstitutionalRecord(**data)


class OralSchema(FeedSchema):
    """Dental claim facts."""

    orthodontic_months = Whole(load_default=None)
    prosthesis_replacement = Flag(load_default=None)
    missing_teeth = QuickList(Text(), load_default=list)
    additional_sites = QuickList(Text(), load_default=list)

    def make(self, data: dict[str, Any]) -> OralRecord:
        return OralRecord(**_tuples(data))


class TransportSchema(FeedSchema):
    """Ambulance transport facts."""

    patient_weight_lb = Real(required=True, validate=validate.Range(min=1, max=1000))
    reason = Text(required=True, validate=validate.OneOf(("A", "B", "C", "D", "E")))
    distance_miles = Real(required=True, validate=validate.Range(min=0))
    round_trip_purpose = Text(required=True)
    stretcher_purpose = Text(required=True)
    pickup = Text(required=True)
    dropoff = Text(required=True)

    def make(self, data: dict[str, Any]) -> TransportRecord:
        return TransportRecord(**data)


class ClaimSchema(FeedSchema):
    """One adjudicated claim -> ``ClaimRecord``."""

    claim_id = Text(required=True, validate=KEY)
    claim_type = Text(required=True, validate=validate.OneOf(CLAIM_TYPES))
    member_id = Text(required=True, validate=KEY)
    coverage_key = Text(required=True, validate=KEY)
    payer_key = Text(required=True, validate=KEY)
    payer_name = Text(required=True)
    status = Text(required=True, validate=validate.OneOf(("active", "cancelled")))
    payment_status = Text(
        required=True, validate=validate.OneOf(("paid", "denied", "partiallypaid"))
    )
    under_appeal = Flag(load_default=False)
    billable_start = Text(required=True, validate=DATE)
    billable_end = Text(required=True, validate=DATE)
    created = Text(required=True, validate=DATE)
    received_date = Text(required=True, validate=DATE)
    billing_npi = Text(required=True, validate=NPI)
    billing_kind = Text(required=True, validate=validate.OneOf(("practitioner", "organization")))
    billing_name = Text(required=True)
    rendering_npi = Text(load_default=None, validate=NPI)
    rendering_taxonomy = Text(load_default=None)
    facility_npi = Text(load_default=None, validate=NPI)
    in_network = Flag(required=True)
    medical_record_number = Text(load_default=None)
    patient_account_number = Text(load_default=None)
    payment_date = Text(load_default=None, validate=DATE)
    payment_amount = Real(required=True, validate=validate.Range(min=0))
    lines = QuickList(QuickNested(LineSchema), required=True, validate=validate.Length(min=1))
    diagnoses = QuickList(QuickNested(DiagnosisSchema), load_default=list)
    procedures = QuickList(QuickNested(ProcedureSchema), load_default=list)
    related_claim_id = Text(load_default=None, validate=KEY)
    pharmacy = QuickNested(PharmacySchema, load_default=None)
    institutional = QuickNested(InstitutionalSchema, load_default=None)
    oral = QuickNested(OralSchema, load_default=None)
    transport = QuickNested(TransportSchema, load_default=None)
    claim_level_amounts = Flag(load_default=False)
    notes = QuickList(Text(), load_default=list)

    def check(self, data: dict[str, Any]) -> None:
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

    def make(self, data: dict[str, Any]) -> ClaimRecord:
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
