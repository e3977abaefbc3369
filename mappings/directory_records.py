"""Internal provider-directory records (plan vocabulary) that the directory mappings turn into FHIR.

The feed schemas in ``gateway/ingest/feeds/{providers,networks,plans}.py`` load rows into
these; every reference to another record is by its source key (see ``mappings/ids.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """A postal address, with coordinates when known."""

    lines: tuple[str, ...]
    city: str
    state: str
    postal_code: str
    country: str = "US"
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class HoursRecord:
    """Opening hours on some days: all day, or from ``opening`` to ``closing`` (HH:MM:SS)."""

    days: tuple[str, ...]
    all_day: bool = False
    opening: str | None = None
    closing: str | None = None


@dataclass(frozen=True, slots=True)
class UnavailableRecord:
    """A period when a role or service is not available."""

    description: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class CodeRecord:
    """One coded value: NUCC taxonomy, v2-0360 degree, a Plan-Net code, ..."""

    system: str
    code: str
    display: str | None = None


@dataclass(frozen=True, slots=True)
class QualificationRecord:
    """A license, board certification or credentialing decision, with its status and dates."""

    code: CodeRecord
    issuer: str
    status: str  # QualificationStatusCS: active | inactive | revoked | pending | unknown
    identifier: str | None = None
    start: str | None = None
    end: str | None = None
    where_valid: str | None = None  # USPS state code


@dataclass(frozen=True, slots=True)
class LanguageRecord:
    """A language spoken (BCP-47) and how well (LanguageProficiencyCS code)."""

    code: str
    display: str
    proficiency: str | None = None


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A named contact with a phone number."""

    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class PractitionerRecord:
    """An individual provider, keyed by NPI."""

    npi: str
    family: str
    given: tuple[str, ...]
    phone: str
    address: AddressRecord
    active: bool = True
    prefix: str | None = None
    suffix: str | None = None
    gender: str | None = None
    languages: tuple[LanguageRecord, ...] = ()
    qualifications: tuple[QualificationRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    """A provider organization, facility, pharmacy or payer (not a network)."""

    key: str
    name: str
    org_type: str  # OrgTypeCS: fac | prvgrp | payer | atyprv | bus
    phone: str | None
    address: AddressRecord
    npi: str | None = None
    tin: str | None = None
    aliases: tuple[str, ...] = ()
    active: bool = True
    url: str | None = None
    partof_key: str | None = None
    description: str | None = None
    contact: ContactRecord | None = None
    qualifications: tuple[QualificationRecord, ...] = ()
    coverage_area_keys: tuple[str, ...] = ()
    endpoint_keys: tuple[str, ...] = ()
    hours: tuple[HoursRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkRecord:
    """A provider network, owned by a payer organization."""

    key: str
    name: str
    owner_key: str
    phone: str
    address: AddressRecord
    aliases: tuple[str, ...] = ()
    contact: ContactRecord | None = None
    coverage_area_keys: tuple[str, ...] = ()
    endpoint_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LocationRecord:
    """A place where care is given, or a coverage area (with a GeoJSON boundary)."""

    key: str
    name: str
    type_code: str | None  # v3 RoleCode: HOSP, OF, PHARM, ...; none for coverage areas
    address: AddressRecord
    phone: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    managing_org_key: str | None = None
    partof_key: str | None = None
    hours: tuple[HoursRecord, ...] = ()
    availability_exceptions: str | None = None
    new_patients: str | None = None  # AcceptingPatientsCS code
    accessibility: tuple[str, ...] = ()
    boundary_geojson: str | None = None
    endpoint_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PractitionerRoleRecord:
    """A practitioner's role at an organization and locations, in networks."""

    key: str
    practitioner_npi: str
    organization_key: str
    role_code: str  # ProviderRoleCS
    specialties: tuple[CodeRecord, ...]
    location_keys: tuple[str, ...] = ()
    service_keys: tuple[str, ...] = ()
    network_keys: tuple[str, ...] = ()
    endpoint_keys: tuple[str, ...] = ()
    phone: str | None = None
    hours: tuple[HoursRecord, ...] = ()
    not_available: tuple[UnavailableRecord, ...] = ()
    new_patients: str | None = None
    credential: QualificationRecord | None = None
    start: str | None = None
    end: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class HealthcareServiceRecord:
    """A service offered by an organization at locations (in person or by telehealth)."""

    key: str
    organization_key: str
    name: str
    category: str  # HealthcareServiceCategoryCS
    types: tuple[CodeRecord, ...] = ()
    specialties: tuple[CodeRecord, ...] = ()
    location_keys: tuple[str, ...] = ()
    coverage_area_keys: tuple[str, ...] = ()
    endpoint_keys: tuple[str, ...] = ()
    comment: str | None = None
    phone: str | None = None
    appointment_required: bool = False
    hours: tuple[HoursRecord, ...] = ()
    not_available: tuple[UnavailableRecord, ...] = ()
    availability_exceptions: str | None = None
    delivery: str = "physical"  # DeliveryMethodCS
    virtual_modalities: tuple[str, ...] = ()
    new_patients: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class OrganizationAffiliationRecord:
    """An organization's participation with another (e.g. in a payer's network)."""

    key: str
    primary_org_key: str
    participating_org_key: str
    role_code: str  # OrganizationAffiliationRoleCS
    network_keys: tuple[str, ...] = ()
    specialties: tuple[CodeRecord, ...] = ()
    location_keys: tuple[str, ...] = ()
    service_keys: tuple[str, ...] = ()
    endpoint_keys: tuple[str, ...] = ()
    phone: str | None = None
    start: str | None = None
    end: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class EndpointRecord:
    """A technical endpoint (FHIR API, portal) managed by an organization."""

    key: str
    name: str
    address: str
    connection_type: str  # EndpointConnectionTypeCS: hl7-fhir-opn | rest-non-fhir
    managing_org_key: str
    usecase: str  # v3 ActReason code, e.g. TREAT, HOPERAT
    mime_types: tuple[str, ...] = ("application/fhir+json",)
    contact_email: str | None = None


@dataclass(frozen=True, slots=True)
class InsurancePlanRecord:
    """A benefit plan (product) with its networks and coverage areas."""

    key: str
    name: str
    product_type: str  # InsuranceProductTypeCS
    plan_type: str  # InsurancePlanTypeCS
    owner_key: str
    administrator_key: str
    network_keys: tuple[str, ...]
    coverage_area_keys: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    identifier: str | None = None
    start: str | None = None
    end: str | None = None
    contact: ContactRecord | None = None
    endpoint_keys: tuple[str, ...] = ()
