"""Practitioner roles and healthcare services -> Plan-Net PractitionerRole, HealthcareService.

https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-PractitionerRole.html
https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-HealthcareService.html
"""

from __future__ import annotations

from mappings.directory_records import HealthcareServiceRecord, PractitionerRoleRecord
from mappings.directory_types import (
    ENDPOINT,
    JSON,
    LOCATION,
    NETWORK,
    ORGANIZATION,
    PLANNET_SD,
    PRACTITIONER,
    SERVICE,
    US_CORE_SD,
    available_times,
    code_concept,
    compact,
    extension,
    identifier,
    meta,
    new_patients_extension,
    not_available,
    period,
    phone,
    plannet_concept,
    qualification_extension,
    ref,
    refs,
    sub,
)
from mappings.ids import resource_id
from mappings.models import FHIRAbstractModel, build

MAPPING_VERSION = "roles-1"
ROLE_PROFILES = (f"{PLANNET_SD}/plannet-PractitionerRole", f"{US_CORE_SD}/us-core-practitionerrole")
SERVICE_PROFILES = (f"{PLANNET_SD}/plannet-HealthcareService",)


def practitioner_role_json(record: PractitionerRoleRecord) -> JSON:
    """A Plan-Net PractitionerRole: who, where, which specialty, in which networks (FHIR JSON)."""
    data: JSON = {
        "id": resource_id("practitioner-role", record.key),
        "meta": meta(*ROLE_PROFILES),
        "extension": _role_extensions(record),
        "identifier": [identifier(record.key)],
        "active": record.active,
        "practitioner": ref(PRACTITIONER, record.practitioner_npi),
        "organization": ref(ORGANIZATION, record.organization_key),
        "code": [plannet_concept("ProviderRoleCS", record.role_code)],
        "specialty": [code_concept(code) for code in record.specialties],
        "location": refs(LOCATION, record.location_keys),
        "healthcareService": refs(SERVICE, record.service_keys),
        "telecom": [phone(record.phone, hours=record.hours, via=_via(record))]
        if record.phone
        else [],
        "availableTime": available_times(record.hours),
        "notAvailable": not_available(record.not_available),
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
    }
    during = period(record.start, record.end)
    if during:
        data["period"] = during
    return {"resourceType": "PractitionerRole", **compact(data)}


def to_practitioner_role(record: PractitionerRoleRecord) -> FHIRAbstractModel:
    """A Plan-Net PractitionerRole: who, where, which specialty, in which networks."""
    return build("PractitionerRole", practitioner_role_json(record))


def _via(record: PractitionerRoleRecord) -> JSON:
    return ref(ORGANIZATION, record.organization_key)


def _role_extensions(record: PractitionerRoleRecord) -> list[JSON]:
    exts = [
        extension("network-reference", "Reference", ref(NETWORK, k)) for k in record.network_keys
    ]
    if record.new_patients:
        first = ref(NETWORK, record.network_keys[0]) if record.network_keys else None
        exts.append(new_patients_extension(record.new_patients, first))
    if record.credential:
        exts.append(qualification_extension(record.credential))
    return exts


def healthcare_service_json(record: HealthcareServiceRecord) -> JSON:
    """FHIR JSON of a Plan-Net HealthcareService (in person or virtual)."""
    data: JSON = {
        "id": resource_id("healthcare-service", record.key),
        "meta": meta(*SERVICE_PROFILES),
        "extension": _service_extensions(record),
        "identifier": [identifier(record.key)],
        "active": record.active,
        "providedBy": ref(ORGANIZATION, record.organization_key),
        "category": [plannet_concept("HealthcareServiceCategoryCS", record.category)],
        "type": [code_concept(code) for code in record.types],
        "specialty": [code_concept(code) for code in record.specialties],
        "location": refs(LOCATION, record.location_keys),
        "name": record.name,
        "telecom": [
            phone(record.phone, hours=record.hours, via=ref(ORGANIZATION, record.organization_key))
        ]
        if record.phone
        else [],
        "coverageArea": refs(LOCATION, record.coverage_area_keys),
        "appointmentRequired": record.appointment_required,
        "availableTime": available_times(record.hours),
        "notAvailable": not_available(record.not_available),
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
    }
    if record.comment:
        data["comment"] = record.comment
    if record.availability_exceptions:
        data["availabilityExceptions"] = record.availability_exceptions
    return {"resourceType": "HealthcareService", **compact(data)}


def to_healthcare_service(record: HealthcareServiceRecord) -> FHIRAbstractModel:
    """A Plan-Net HealthcareService offered by an organization (in person or virtual)."""
    return build("HealthcareService", healthcare_service_json(record))


def _service_extensions(record: HealthcareServiceRecord) -> list[JSON]:
    method = [sub("type", "CodeableConcept", plannet_concept("DeliveryMethodCS", record.delivery))]
    method += [
        sub("virtualModalities", "CodeableConcept", plannet_concept("VirtualModalitiesCS", m))
        for m in record.virtual_modalities
    ]
    exts: list[JSON] = [{"url": f"{PLANNET_SD}/delivery-method", "extension": method}]
    if record.new_patients:
        exts.append(new_patients_extension(record.new_patients))
    return exts
