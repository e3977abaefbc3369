"""Practitioners and organizations -> Plan-Net, US Core and CARIN profiles.

Plan-Net Practitioner/Organization:
https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-Practitioner.html
https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-Organization.html
"""

from __future__ import annotations

from mappings.directory_records import (
    LanguageRecord,
    OrganizationRecord,
    PractitionerRecord,
    QualificationRecord,
)
from mappings.directory_types import (
    C4BB_SD,
    ENDPOINT,
    JSON,
    LOCATION,
    ORGANIZATION,
    PLANNET_SD,
    TIN_SYSTEM,
    US_CORE_SD,
    USPS_SYSTEM,
    address,
    code_concept,
    compact,
    concept,
    contact,
    extension,
    identifier,
    meta,
    npi_identifier,
    phone,
    plannet_concept,
    qualification_extension,
    ref,
    refs,
    sub,
)
from mappings.ids import resource_id
from mappings.models import FHIRAbstractModel, build

MAPPING_VERSION = "providers-1"
PRACTITIONER_PROFILES = (
    f"{PLANNET_SD}/plannet-Practitioner",
    f"{US_CORE_SD}/us-core-practitioner",
    f"{C4BB_SD}/C4BB-Practitioner|2.0.0",  # CARIN requires the version (invariant)
)
ORGANIZATION_PROFILES = (
    f"{PLANNET_SD}/plannet-Organization",
    f"{US_CORE_SD}/us-core-organization",
    f"{C4BB_SD}/C4BB-Organization|2.0.0",
)


def practitioner_json(record: PractitionerRecord) -> JSON:
    """A Practitioner (Plan-Net + US Core + CARIN) from a practitioner record (FHIR JSON)."""
    name: JSON = {"family": record.family, "given": list(record.given)}
    name["text"] = " ".join([*record.given, record.family])
    if record.prefix:
        name["prefix"] = [record.prefix]
    if record.suffix:
        name["suffix"] = [record.suffix]
    data: JSON = {
        "id": resource_id("practitioner", record.npi),
        "meta": meta(*PRACTITIONER_PROFILES),
        "identifier": [npi_identifier(record.npi)],
        "active": record.active,
        "name": [name],
        "telecom": [phone(record.phone)],
        "address": [address(record.address, geolocated=True)],
        "qualification": [_qualification(q) for q in record.qualifications],
        "communication": [_language(lang) for lang in record.languages],
    }
    if record.gender:
        data["gender"] = record.gender
    return {"resourceType": "Practitioner", **compact(data)}


def to_practitioner(record: PractitionerRecord) -> FHIRAbstractModel:
    """A Practitioner (Plan-Net + US Core + CARIN) from a practitioner record."""
    return build("Practitioner", practitioner_json(record))


def _qualification(record: QualificationRecord) -> JSON:
    parts = [sub("status", "Code", record.status)]
    if record.where_valid:
        parts.append(sub("whereValid", "CodeableConcept", _state(record.where_valid)))
    data: JSON = {
        "extension": [{"url": f"{PLANNET_SD}/practitioner-qualification", "extension": parts}],
        "code": code_concept(record.code),
        "issuer": {"display": record.issuer},
    }
    if record.identifier:
        data["identifier"] = [{"value": record.identifier}]
    if record.start or record.end:
        data["period"] = {k: v for k, v in (("start", record.start), ("end", record.end)) if v}
    return data


def _state(code: str) -> JSON:
    return concept(USPS_SYSTEM, code)


def _language(record: LanguageRecord) -> JSON:
    data = concept("urn:ietf:bcp:47", record.code, record.display)
    if record.proficiency:
        proficiency = plannet_concept("LanguageProficiencyCS", record.proficiency)
        data["extension"] = [extension("communication-proficiency", "CodeableConcept", proficiency)]
    return data


def organization_json(record: OrganizationRecord) -> JSON:
    """An Organization (Plan-Net + US Core + CARIN) from a provider or payer record (FHIR JSON)."""
    identifiers = [identifier(record.key, "PRN", "urn:ietf:rfc:3986")] if not record.npi else []
    if record.npi:
        identifiers.append(npi_identifier(record.npi))
    if record.tin:
        identifiers.append(identifier(record.tin, "TAX", TIN_SYSTEM))
    via = ref(ORGANIZATION, record.partof_key) if record.partof_key else None
    telecom = [phone(record.phone, hours=record.hours, via=via)] if record.phone else []
    if record.url:
        telecom.append({"system": "url", "value": record.url, "rank": 2})
    data: JSON = {
        "id": resource_id("organization", record.key),
        "meta": meta(*ORGANIZATION_PROFILES),
        "extension": _organization_extensions(record),
        "identifier": identifiers,
        "active": record.active,
        "type": [plannet_concept("OrgTypeCS", record.org_type)],
        "name": record.name,
        "alias": list(record.aliases),
        "telecom": telecom,
        "address": [{**address(record.address, geolocated=True), "type": "physical"}],
        "contact": [contact(record.contact, purpose="ADMIN")] if record.contact else [],
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
    }
    if record.partof_key:
        data["partOf"] = ref(ORGANIZATION, record.partof_key)
    return {"resourceType": "Organization", **compact(data)}


def to_organization(record: OrganizationRecord) -> FHIRAbstractModel:
    """An Organization (Plan-Net + US Core + CARIN) from a provider or payer record."""
    return build("Organization", organization_json(record))


def _organization_extensions(record: OrganizationRecord) -> list[JSON]:
    exts = [qualification_extension(q) for q in record.qualifications]
    if record.description:
        exts.append(extension("org-description", "String", record.description))
    exts += [
        extension("location-reference", "Reference", ref(LOCATION, key))
        for key in record.coverage_area_keys
    ]
    return exts
