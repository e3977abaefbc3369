"""Networks and organization affiliations -> Plan-Net Network and OrganizationAffiliation.

https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-Network.html
https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-OrganizationAffiliation.html
"""

from __future__ import annotations

from mappings.directory_records import (
    ContactRecord,
    NetworkRecord,
    OrganizationAffiliationRecord,
)
from mappings.directory_types import (
    ENDPOINT,
    JSON,
    LOCATION,
    NETWORK,
    ORGANIZATION,
    PLANNET_SD,
    SERVICE,
    address,
    code_concept,
    compact,
    contact,
    extension,
    identifier,
    meta,
    period,
    phone,
    plannet_concept,
    ref,
    refs,
)
from mappings.ids import resource_id
from mappings.models import FHIRAbstractModel, build

MAPPING_VERSION = "network-1"
NETWORK_PROFILES = (f"{PLANNET_SD}/plannet-Network",)
AFFILIATION_PROFILES = (f"{PLANNET_SD}/plannet-OrganizationAffiliation",)


def network_json(record: NetworkRecord) -> JSON:
    """FHIR JSON of a Plan-Net Network (an Organization of type ``ntwk``, part of its payer)."""
    coverage = [
        extension("location-reference", "Reference", ref(LOCATION, key))
        for key in record.coverage_area_keys
    ]
    data: JSON = {
        "id": resource_id("network", record.key),
        "meta": meta(*NETWORK_PROFILES),
        "extension": coverage,
        "identifier": [identifier(record.key, "NIIP", "urn:ietf:rfc:3986")],
        "active": True,
        "type": [plannet_concept("OrgTypeCS", "ntwk")],
        "name": record.name,
        "alias": list(record.aliases),
        "address": [address(record.address)],
        "partOf": ref(ORGANIZATION, record.owner_key),
        "contact": [contact(record.contact or ContactRecord("Network Services", record.phone))],
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
    }
    return {"resourceType": "Organization", **compact(data)}


def to_network(record: NetworkRecord) -> FHIRAbstractModel:
    """A Plan-Net Network: an Organization of type ``ntwk`` that is part of its payer."""
    return build("Organization", network_json(record))


def organization_affiliation_json(record: OrganizationAffiliationRecord) -> JSON:
    """FHIR JSON of a Plan-Net OrganizationAffiliation (a role in a payer's network)."""
    data: JSON = {
        "id": resource_id("organization-affiliation", record.key),
        "meta": meta(*AFFILIATION_PROFILES),
        "identifier": [identifier(record.key)],
        "active": record.active,
        "organization": ref(ORGANIZATION, record.primary_org_key),
        "participatingOrganization": ref(ORGANIZATION, record.participating_org_key),
        "network": refs(NETWORK, record.network_keys),
        "code": [plannet_concept("OrganizationAffiliationRoleCS", record.role_code)],
        "specialty": [code_concept(code) for code in record.specialties],
        "location": refs(LOCATION, record.location_keys),
        "healthcareService": refs(SERVICE, record.service_keys),
        "telecom": [phone(record.phone)] if record.phone else [],
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
    }
    during = period(record.start, record.end)
    if during:
        data["period"] = during
    return {"resourceType": "OrganizationAffiliation", **compact(data)}


def to_organization_affiliation(record: OrganizationAffiliationRecord) -> FHIRAbstractModel:
    """A Plan-Net OrganizationAffiliation: an organization's role in a payer's networks."""
    return build("OrganizationAffiliation", organization_affiliation_json(record))
