"""FHIR datatypes and extensions shared by the Plan-Net directory mappings.

Plan-Net 1.1.0: https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/profiles.html
"""

from __future__ import annotations

from typing import Any

from mappings.directory_records import (
    AddressRecord,
    CodeRecord,
    ContactRecord,
    HoursRecord,
    QualificationRecord,
    UnavailableRecord,
)
from mappings.ids import reference

JSON = dict[str, Any]

PLANNET = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PLANNET_SD = f"{PLANNET}/StructureDefinition"
PLANNET_CS = f"{PLANNET}/CodeSystem"
US_CORE_SD = "http://hl7.org/fhir/us/core/StructureDefinition"
C4BB_SD = "http://hl7.org/fhir/us/carin-bb/StructureDefinition"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
TIN_SYSTEM = "urn:oid:2.16.840.1.113883.4.4"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
USPS_SYSTEM = "https://www.usps.com/"
GEOLOCATION = "http://hl7.org/fhir/StructureDefinition/geolocation"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# Keys of the feed tables naming each kind of resource (the ``kind`` of mappings.ids).
ORGANIZATION = ("Organization", "organization")
NETWORK = ("Organization", "network")
LOCATION = ("Location", "location")
PRACTITIONER = ("Practitioner", "practitioner")
SERVICE = ("HealthcareService", "healthcare-service")
ENDPOINT = ("Endpoint", "endpoint")


def ref(target: tuple[str, str], key: str) -> JSON:
    """A Reference to the resource made from source key ``key``."""
    return {"reference": reference(target[0], target[1], key)}


def refs(target: tuple[str, str], keys: tuple[str, ...]) -> list[JSON]:
    """References to several resources of one kind."""
    return [ref(target, key) for key in keys]


def concept(system: str, code: str, display: str | None = None) -> JSON:
    """A CodeableConcept with one coding."""
    coding: JSON = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def code_concept(code: CodeRecord) -> JSON:
    """A CodeableConcept from a code record."""
    return concept(code.system, code.code, code.display)


def plannet_concept(code_system: str, code: str) -> JSON:
    """A CodeableConcept from one of the Plan-Net code systems (e.g. ``OrgTypeCS``)."""
    return concept(f"{PLANNET_CS}/{code_system}", code)


def extension(name: str, value_type: str, value: Any) -> JSON:
    """A Plan-Net extension ``{url, value[x]}``."""
    return {"url": f"{PLANNET_SD}/{name}", f"value{value_type}": value}


def sub(url: str, value_type: str, value: Any) -> JSON:
    """A sub-extension of a complex extension."""
    return {"url": url, f"value{value_type}": value}


def address(record: AddressRecord, *, geolocated: bool = False) -> JSON:
    """An Address; ``geolocated`` adds the geolocation extension when coordinates are known."""
    text = ", ".join([*record.lines, record.city, f"{record.state} {record.postal_code}"])
    data: JSON = {
        "text": text,
        "city": record.city,
        "state": record.state,
        "postalCode": record.postal_code,
        "country": record.country,
    }
    if record.lines:
        data["line"] = list(record.lines)
    if geolocated and record.latitude is not None and record.longitude is not None:
        data["extension"] = [
            {
                "url": GEOLOCATION,
                "extension": [
                    sub("latitude", "Decimal", record.latitude),
                    sub("longitude", "Decimal", record.longitude),
                ],
            }
        ]
    return data


def available_time_extension(hours: tuple[HoursRecord, ...]) -> list[JSON]:
    """contactpoint-availabletime extensions for a telecom, one per hours record."""
    result = []
    for item in hours:
        parts = [sub("daysOfWeek", "Code", day) for day in item.days]
        if item.all_day:
            parts.append(sub("allDay", "Boolean", True))
        if item.opening and item.closing:
            parts.append(sub("availableStartTime", "Time", item.opening))
            parts.append(sub("availableEndTime", "Time", item.closing))
        result.append({"url": f"{PLANNET_SD}/contactpoint-availabletime", "extension": parts})
    return result


def phone(
    value: str,
    *,
    hours: tuple[HoursRecord, ...] = (),
    via: JSON | None = None,
    rank: int | None = 1,
) -> JSON:
    """A phone ContactPoint with optional available times and a via-intermediary reference."""
    data: JSON = {"system": "phone", "value": value}
    exts = available_time_extension(hours)
    if via:
        exts.append(extension("via-intermediary", "Reference", via))
    if exts:
        data["extension"] = exts
    if rank is not None:
        data["rank"] = rank
    return data


def available_times(hours: tuple[HoursRecord, ...]) -> list[JSON]:
    """``availableTime`` entries of a PractitionerRole or HealthcareService."""
    result = []
    for item in hours:
        data: JSON = {"daysOfWeek": list(item.days)}
        if item.all_day:
            data["allDay"] = True
        if item.opening and item.closing:
            data["availableStartTime"] = item.opening
            data["availableEndTime"] = item.closing
        result.append(data)
    return result


def not_available(items: tuple[UnavailableRecord, ...]) -> list[JSON]:
    """``notAvailable`` entries."""
    result = []
    for item in items:
        data: JSON = {"description": item.description}
        during = period(item.start, item.end)
        if during:
            data["during"] = during
        result.append(data)
    return result


def period(start: str | None, end: str | None) -> JSON | None:
    """A Period, or ``None`` when both ends are unknown."""
    data = {key: value for key, value in (("start", start), ("end", end)) if value}
    return data or None


def contact(record: ContactRecord, *, purpose: str | None = None) -> JSON:
    """An Organization/InsurancePlan contact with a name and a work phone."""
    data: JSON = {
        "name": {"text": record.name, "family": record.name.split()[-1]},
        "telecom": [{"system": "phone", "value": record.phone, "use": "work"}],
    }
    if purpose:
        data["purpose"] = concept(
            "http://terminology.hl7.org/CodeSystem/contactentity-type", purpose
        )
    return data


def qualification_extension(record: QualificationRecord) -> JSON:
    """The Plan-Net ``qualification`` extension (credentialing of a role or organization)."""
    parts: list[JSON] = []
    if record.identifier:
        parts.append(sub("identifier", "Identifier", {"value": record.identifier}))
    parts.append(sub("code", "CodeableConcept", code_concept(record.code)))
    parts.append(sub("issuer", "Reference", {"display": record.issuer}))
    parts.append(sub("status", "Code", record.status))
    during = period(record.start, record.end)
    if during:
        parts.append(sub("period", "Period", during))
    if record.where_valid:
        parts.append(sub("whereValid", "CodeableConcept", concept(USPS_SYSTEM, record.where_valid)))
    return {"url": f"{PLANNET_SD}/qualification", "extension": parts}


def new_patients_extension(code: str, network: JSON | None = None) -> JSON:
    """The ``newpatients`` extension: whether new patients are accepted (and from a network)."""
    parts = [
        sub("acceptingPatients", "CodeableConcept", plannet_concept("AcceptingPatientsCS", code))
    ]
    if network:
        parts.append(sub("fromNetwork", "Reference", network))
    return {"url": f"{PLANNET_SD}/newpatients", "extension": parts}


def identifier(value: str, type_code: str = "PRN", system: str | None = None) -> JSON:
    """An Identifier with a v2-0203 type (Plan-Net MS: identifier.type, identifier.value)."""
    data: JSON = {"type": concept(V2_0203, type_code), "value": value}
    if system:
        data["system"] = system
    return data


def npi_identifier(npi: str) -> JSON:
    """The NPI identifier (US Core / Plan-Net / CARIN NPI slice)."""
    return identifier(npi, "NPI", NPI_SYSTEM)


def meta(*profiles: str) -> JSON:
    """``meta.profile`` claiming the given profiles."""
    return {"profile": list(profiles)}


def compact(data: JSON) -> JSON:
    """The resource without empty lists (FHIR forbids empty arrays)."""
    return {key: value for key, value in data.items() if value != []}
