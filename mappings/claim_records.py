"""Internal adjudicated-claim records (plan vocabulary) that the claim mappings turn into EOBs."""

from __future__ import annotations

from dataclasses import dataclass, field

CLAIM_TYPES = ("professional", "inpatient", "outpatient", "pharmacy", "oral")
AMOUNT_KINDS = (
    "submitted",
    "allowed",
    "paid",
    "member_liability",
    "copay",
    "coinsurance",
    "deductible",
    "noncovered",
)


@dataclass(frozen=True, slots=True)
class DiagnosisRecord:
    """An ICD-10-CM diagnosis on a claim, its role and present-on-admission flag."""

    code: str
    kind: str  # principal | secondary | admitting | other | externalcauseofinjury ...
    present_on_admission: str | None = None  # NUBC POA: Y | N | U | W


@dataclass(frozen=True, slots=True)
class ProcedureRecord:
    """An ICD-10-PCS procedure on an institutional claim."""

    code: str
    kind: str  # principal | other
    date: str


@dataclass(frozen=True, slots=True)
class ClaimLineRecord:
    """One service line: what was done, when, where, and how it was adjudicated."""

    sequence: int
    code_system: str  # cpt | hcpcs | ndc | cdt | none
    code: str
    service_date: str
    quantity: float
    amounts: dict[str, float]  # AMOUNT_KINDS -> USD
    revenue: str | None = None
    modifiers: tuple[str, ...] = ()
    place_of_service: str | None = None
    denial_reasons: tuple[str, ...] = ()  # CARC codes
    remark_codes: tuple[str, ...] = ()  # RARC codes
    allowed_units: float | None = None
    tooth: str | None = None  # ADA universal tooth number
    surface: str | None = None
    days_supply: int | None = None


@dataclass(frozen=True, slots=True)
class PharmacyRecord:
    """NCPDP fields of a pharmacy claim."""

    days_supply: int
    daw: str
    refill_number: int
    refills_authorized: int
    brand_generic: str
    rx_origin: str
    compound: str
    prescriber_npi: str


@dataclass(frozen=True, slots=True)
class InstitutionalRecord:
    """UB-04 fields of an institutional claim (admission only for inpatient)."""

    type_of_bill: str
    point_of_origin: str
    admission_type: str
    discharge_status: str
    admission_start: str | None = None
    admission_end: str | None = None
    drg: str | None = None


@dataclass(frozen=True, slots=True)
class OralRecord:
    """Dental claim facts."""

    orthodontic_months: int | None = None
    prosthesis_replacement: bool | None = None
    missing_teeth: tuple[str, ...] = ()
    additional_sites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransportRecord:
    """Ambulance transport facts of a professional (non-clinician) claim."""

    patient_weight_lb: float
    reason: str  # X12 ambulance transport reason code: A | B | C | D | E
    distance_miles: float
    round_trip_purpose: str
    stretcher_purpose: str
    pickup: str
    dropoff: str


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One adjudicated claim with its lines (a JSON Lines row of ``claims.jsonl``)."""

    claim_id: str
    claim_type: str  # CLAIM_TYPES
    member_id: str
    coverage_key: str
    payer_key: str
    payer_name: str
    status: str  # active | cancelled
    payment_status: str  # paid | denied | partiallypaid
    under_appeal: bool
    billable_start: str
    billable_end: str
    created: str
    received_date: str
    billing_npi: str
    billing_kind: str  # practitioner | organization
    billing_name: str
    rendering_npi: str | None
    rendering_taxonomy: str | None
    facility_npi: str | None
    in_network: bool
    medical_record_number: str | None
    patient_account_number: str | None
    payment_date: str | None
    payment_amount: float
    lines: tuple[ClaimLineRecord, ...]
    diagnoses: tuple[DiagnosisRecord, ...] = ()
    procedures: tuple[ProcedureRecord, ...] = ()
    related_claim_id: str | None = None
    pharmacy: PharmacyRecord | None = None
    institutional: InstitutionalRecord | None = None
    oral: OralRecord | None = None
    transport: TransportRecord | None = None
    # Institutional claims adjudicated at claim level carry amounts on the header, not items.
    claim_level_amounts: bool = False
    notes: tuple[str, ...] = field(default=())
