"""Internal prior-authorization records (plan vocabulary) that map to PDex and PAS resources."""

from __future__ import annotations

from dataclasses import dataclass

AUTH_STATUSES = ("approved", "partial", "denied", "pended", "cancelled")


@dataclass(frozen=True, slots=True)
class AuthorizationRecord:
    """One prior authorization (a JSON Lines row of ``authorizations.jsonl``).

    ``approved_quantity`` units were authorized from ``start_date`` to ``end_date``;
    ``used_quantity`` of them have been consumed by paid claims to date.
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
