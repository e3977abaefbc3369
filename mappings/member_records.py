"""Internal member and enrollment records (plan vocabulary) the member mappings turn into FHIR."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PayerRecord:
    """The health plan as a payer: its source key, names and registry identifiers."""

    key: str
    name: str
    naic: str
    tin: str
    phone: str
    address_line: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """One row of the enrollment file: a member, their coverage period, plan and PCP.

    ``subscriber_id`` is the member id of the subscriber (the member's own id for
    ``relationship == "self"``); dependents share the subscriber's coverage family.
    """

    member_id: str
    subscriber_id: str
    relationship: str  # subscriber-relationship code: self | spouse | child | other ...
    given: tuple[str, ...]
    family: str
    birth_date: str
    gender: str
    deceased_date: str | None
    phone: str | None
    email: str | None
    address_line: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    address_since: str | None
    race: str | None  # OMB race category code (urn:oid:2.16.840.1.113883.6.238)
    ethnicity: str | None  # OMB ethnicity category code
    birth_sex: str | None  # F | M | UNK
    tribal_affiliation: str | None  # v3-TribalEntityUS code
    language: str | None  # BCP-47, e.g. "en", "es"
    previous_family: str | None  # a former family name (name.use = old)
    coverage_key: str
    coverage_status: str  # fm-status: active | cancelled
    coverage_start: str
    coverage_end: str | None
    plan_key: str
    plan_name: str
    line_of_business: str  # HMO | PPO | MEDICAID | MEDICARE_ADVANTAGE | QHP
    group_id: str
    group_name: str
    pcp_npi: str | None
    payer: PayerRecord
    # The subscriber as a person, for a dependent's RelatedPerson (None for "self").
    subscriber_given: tuple[str, ...] = ()
    subscriber_family: str | None = None
