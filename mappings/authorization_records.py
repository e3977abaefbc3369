"""Internal prior-authorization records (plan vocabulary) that map to PDex and PAS resources."""

from __future__ import annotations

from dataclasses import dataclass

AUTH_STATUSES = ("approved", "partial", "denied", "pended", "cancelled")


@dataclass(frozen=True, slots=True)
class AdmissionRecord:
    """The inpatient stay an institutional request is for (X12 278 UM admission review)."""

    admission_date: str
    discharge_date: str | None = None  # expected discharge, when the requester gives one
    admission_type: str | None = None  # NUBC priority (type) of admission or visit


@dataclass(frozen=True, slots=True)
class AccidentRecord:
    """The accident the requested service follows from (X12 278 UM05 related causes)."""

    accident_type: str | None = None  # X12 1362: AA auto, EM employment, OA other accident
    accident_date: str | None = None


@dataclass(frozen=True, slots=True)
class RequestErrorRecord:
    """Why a request failed the payer's validation (X12 278 AAA segment)."""

    code: str  # X12 901 reject reason
    follow_up_action: str | None = None  # X12 889
    element: str | None = None  # the X12 element in error, e.g. "2010C-NM109"
    path: str | None = None  # the FHIR path in error, e.g. "Claim.item[0].quantity"


@dataclass(frozen=True, slots=True)
class InformationRequestRecord:
    """What the payer asks the requester to send before it can decide a pended request."""

    category: str  # X12 755 report type code, e.g. "09" progress report
    text: str


@dataclass(frozen=True, slots=True)
class AuthorizationRecord:
    """One prior authorization (a JSON Lines row of ``authorizations.jsonl``).

    ``approved_quantity`` units were authorized from ``start_date`` to ``end_date``;
    ``used_quantity`` of them have been consumed by paid claims to date. The fields after
    ``facility_location_key`` are optional details of the request and the decision a UM
    system exports (docs/feeds/prior-authorizations.md).
    """

    auth_number: str
    member_id: str
    coverage_key: str
    payer_key: str
    payer_name: str
    status: str  # AUTH_STATUSES
    claim_type: str  # professional | institutional
    service_type: str  # X12 service type code (e.g. "1" medical care, "2" surgical)
    code_system: str  # cpt | hcpcs
    code: str
    level_of_service: str  # X12 1338: U urgent | E elective | 03 emergency ...
    request_date: str
    decision_date: str | None
    start_date: str
    end_date: str
    requested_quantity: float
    approved_quantity: float
    used_quantity: float
    requested_amount: float
    approved_amount: float
    requesting_npi: str  # the requesting practitioner
    servicing_npi: str  # the practitioner who will perform the service
    requesting_organization_npi: str  # the requesting provider organization (PAS requestor)
    diagnosis: str  # ICD-10-CM
    denial_reason: str | None = None  # CARC code
    review_reason: str | None = None  # X12 HCR03 review decision reason code
    previous_auth_number: str | None = None
    facility_location_key: str | None = None
    # the request
    requester_role: str | None = None  # X12 1221 provider code (PRV01), e.g. "RF" referring
    requester_taxonomy: str | None = None  # NUCC taxonomy (PRV03)
    event_date: str | None = None  # patient event date (DTP*AAH), or the start of a range
    event_end_date: str | None = None
    admission: AdmissionRecord | None = None
    additional_information: tuple[str, ...] = ()  # attachments described by the requester
    message_text: tuple[str, ...] = ()  # free-form message (X12 MSG)
    diagnosis_recorded_date: str | None = None
    diagnosis_type: str | None = None  # admitting | principal | patientreasonforvisit
    accident: AccidentRecord | None = None
    # the requested service
    request_type: str | None = None  # X12 1525: HS health services, AR admission, SC specialty
    epsdt_indicator: bool | None = None  # Medicaid EPSDT screening referral
    nursing_home_residential_status: str | None = None  # X12 1345
    nursing_home_level_of_care: str | None = None  # X12 1337
    revenue_code: str | None = None  # NUBC revenue code (institutional)
    revenue_unit_rate_limit: float | None = None
    modifiers: tuple[str, ...] = ()  # CPT / HCPCS modifiers
    place_of_service: str | None = None  # CMS place of service code
    unit_price: float | None = None
    order_number: str | None = None  # the requester's order the service comes from
    # the decision
    communicated_diagnoses: tuple[str, ...] = ()  # ICD-10-CM codes the payer communicates
    decision_notes: tuple[str, ...] = ()
    errors: tuple[RequestErrorRecord, ...] = ()
    information_request: InformationRequestRecord | None = None
