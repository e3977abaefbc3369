"""Locations and endpoints -> Plan-Net Location and Endpoint.

https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-Location.html
https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-Endpoint.html
"""

from __future__ import annotations

import base64

from mappings.directory_records import EndpointRecord, HoursRecord, LocationRecord
from mappings.directory_types import (
    ENDPOINT,
    JSON,
    LOCATION,
    ORGANIZATION,
    PLANNET_CS,
    PLANNET_SD,
    address,
    compact,
    concept,
    extension,
    identifier,
    meta,
    new_patients_extension,
    phone,
    plannet_concept,
    ref,
    refs,
    sub,
)
from mappings.ids import resource_id
from mappings.models import FHIRAbstractModel, build

MAPPING_VERSION = "locations-1"
LOCATION_PROFILES = (f"{PLANNET_SD}/plannet-Location",)
ENDPOINT_PROFILES = (f"{PLANNET_SD}/plannet-Endpoint",)
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
BOUNDARY = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson"


def location_json(record: LocationRecord) -> JSON:
    """FHIR JSON of a Plan-Net Location (a site of care, or a coverage area)."""
    data: JSON = {
        "id": resource_id("location", record.key),
        "meta": meta(*LOCATION_PROFILES),
        "extension": _location_extensions(record),
        "identifier": [identifier(record.key)],
        "status": "active",
        "name": record.name,
        "alias": list(record.aliases),
        "type": [concept(ROLE_CODE, record.type_code)] if record.type_code else [],
        "telecom": [phone(record.phone, hours=record.hours, via=_via(record))]
        if record.phone
        else [],
        "address": address(record.address),
        "hoursOfOperation": [_hours(h) for h in record.hours],
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
    }
    if record.description:
        data["description"] = record.description
    if record.address.latitude is not None and record.address.longitude is not None:
        data["position"] = {
            "latitude": record.address.latitude,
            "longitude": record.address.longitude,
        }
    if record.managing_org_key:
        data["managingOrganization"] = ref(ORGANIZATION, record.managing_org_key)
    if record.partof_key:
        data["partOf"] = ref(LOCATION, record.partof_key)
    if record.availability_exceptions:
        data["availabilityExceptions"] = record.availability_exceptions
    return {"resourceType": "Location", **compact(data)}


def to_location(record: LocationRecord) -> FHIRAbstractModel:
    """A Plan-Net Location (a site of care, or a coverage area with a GeoJSON boundary)."""
    return build("Location", location_json(record))


def _via(record: LocationRecord) -> JSON | None:
    """Calls reach the site through its managing organization's switchboard."""
    return ref(ORGANIZATION, record.managing_org_key) if record.managing_org_key else None


def _location_extensions(record: LocationRecord) -> list[JSON]:
    exts = [
        extension("accessibility", "CodeableConcept", plannet_concept("AccessibilityCS", code))
        for code in record.accessibility
    ]
    if record.new_patients:
        exts.append(new_patients_extension(record.new_patients))
    if record.boundary_geojson:
        encoded = base64.b64encode(record.boundary_geojson.encode()).decode()
        attachment = {"contentType": "application/geo+json", "data": encoded}
        exts.append({"url": BOUNDARY, "valueAttachment": attachment})
    return exts


def _hours(hours: HoursRecord) -> JSON:
    data: JSON = {"daysOfWeek": list(hours.days)}
    if hours.all_day:
        data["allDay"] = True
    if hours.opening and hours.closing:
        data["openingTime"] = hours.opening
        data["closingTime"] = hours.closing
    return data


def endpoint_json(record: EndpointRecord) -> JSON:
    """A Plan-Net Endpoint managed by an organization (FHIR JSON)."""
    usecase = concept("http://terminology.hl7.org/CodeSystem/v3-ActReason", record.usecase)
    data: JSON = {
        "id": resource_id("endpoint", record.key),
        "meta": meta(*ENDPOINT_PROFILES),
        "extension": [
            {
                "url": f"{PLANNET_SD}/endpoint-usecase",
                "extension": [sub("type", "CodeableConcept", usecase)],
            }
        ],
        "status": "active",
        "connectionType": {
            "system": f"{PLANNET_CS}/EndpointConnectionTypeCS",
            "code": record.connection_type,
        },
        "name": record.name,
        "managingOrganization": ref(ORGANIZATION, record.managing_org_key),
        "payloadType": [plannet_concept("EndpointPayloadTypeCS", "NA")],
        "payloadMimeType": list(record.mime_types),
        "address": record.address,
    }
    if record.contact_email:
        data["contact"] = [{"system": "email", "value": record.contact_email}]
    return {"resourceType": "Endpoint", **compact(data)}


def to_endpoint(record: EndpointRecord) -> FHIRAbstractModel:
    """A Plan-Net Endpoint managed by an organization."""
    return build("Endpoint", endpoint_json(record))
