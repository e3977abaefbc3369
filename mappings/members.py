"""Members -> Patient (US Core + CARIN), Coverage, the subscriber's RelatedPerson, the payer.

https://hl7.org/fhir/us/carin-bb/STU2/StructureDefinition-C4BB-Patient.html
https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-patient.html
https://hl7.org/fhir/us/carin-bb/STU2/StructureDefinition-C4BB-Coverage.html
"""

from __future__ import annotations

from mappings.fhir_values import (
    C4BB,
    C4BB_CS,
    JSON,
    MEMBER_ID_SYSTEM,
    THO,
    UNIQUE_MEMBER_ID_SYSTEM,
    US_CORE,
    V2_0203,
    compact,
    concept,
    meta,
    period,
    ref,
)
from mappings.ids import resource_id
from mappings.member_records import MemberRecord
from mappings.models import FHIRAbstractModel, build
from mappings.payer import payer_id

MAPPING_VERSION = "members-1"
PATIENT_PROFILES = (f"{US_CORE}/us-core-patient", f"{C4BB}/C4BB-Patient|2.0.0")
COVERAGE_PROFILES = (f"{US_CORE}/us-core-coverage", f"{C4BB}/C4BB-Coverage|2.0.0")
RELATED_PERSON_PROFILES = (f"{US_CORE}/us-core-relatedperson", f"{C4BB}/C4BB-RelatedPerson|2.0.0")
OMB = "urn:oid:2.16.840.1.113883.6.238"
OMB_DISPLAY = {
    "1002-5": "American Indian or Alaska Native",
    "2028-9": "Asian",
    "2054-5": "Black or African American",
    "2076-8": "Native Hawaiian or Other Pacific Islander",
    "2106-3": "White",
    "2135-2": "Hispanic or Latino",
    "2186-5": "Not Hispanic or Latino",
}
SEX_SNOMED = {"female": "248152002", "male": "248153007"}
# PHDSC Source of Payment Typology (US Core Coverage.type, extensible).
PAYER_TYPE = {
    "MEDICARE_ADVANTAGE": ("11", "Medicare Managed Care (Includes Medicare Advantage Plans)"),
    "MEDICAID": ("2", "MEDICAID"),
    "HMO": ("511", "Commercial Managed Care - HMO"),
    "PPO": ("512", "Commercial Managed Care - PPO"),
    "QHP": ("5", "PRIVATE HEALTH INSURANCE"),
}
RELATIONSHIP_ROLE = {"spouse": "SPS", "child": "PRN", "other": "FAMMEMB", "common": "DOMPART"}


def patient_id(member_id: str) -> str:
    """The Patient id of a member (opaque: never the member number)."""
    return resource_id("member", member_id)


def coverage_id(coverage_key: str) -> str:
    """The Coverage id of an enrollment span."""
    return resource_id("coverage", coverage_key)


def patient_json(record: MemberRecord) -> JSON:
    """The Patient of a member as FHIR JSON."""
    data: JSON = {
        "id": patient_id(record.member_id),
        "meta": meta(*PATIENT_PROFILES),
        "extension": _demographics(record),
        "identifier": _member_identifiers(record.member_id),
        "active": record.coverage_status == "active",
        "name": _names(record),
        "telecom": _telecom(record),
        "gender": record.gender,
        "birthDate": record.birth_date,
        "deceasedDateTime": record.deceased_date,
        "address": [_address(record)] if record.address_line else None,
        "communication": _communication(record.language),
    }
    if record.pcp_npi:
        data["generalPractitioner"] = [
            ref("Practitioner", resource_id("practitioner", record.pcp_npi))
        ]
    return compact(data)


def to_patient(record: MemberRecord) -> FHIRAbstractModel:
    """A Patient claiming us-core-patient and C4BB-Patient."""
    return build("Patient", patient_json(record))


def coverage_json(record: MemberRecord) -> JSON:
    """The member's Coverage as FHIR JSON."""
    code, display = PAYER_TYPE[record.line_of_business]
    beneficiary = ref("Patient", patient_id(record.member_id))
    relationship = concept(f"{THO}/subscriber-relationship", record.relationship)
    data: JSON = {
        "id": coverage_id(record.coverage_key),
        "meta": meta(*COVERAGE_PROFILES),
        "identifier": [
            {
                "type": concept(V2_0203, "MB", "Member Number"),
                "system": MEMBER_ID_SYSTEM,
                "value": record.member_id,
                "assigner": ref("Organization", payer_id(record.payer.key)),
            }
        ],
        "status": record.coverage_status,
        "type": concept("urn:oid:2.16.840.1.113883.3.221.5", code, display),
        "subscriber": ref("Patient", patient_id(record.subscriber_id)),
        "subscriberId": record.subscriber_id,
        "beneficiary": beneficiary,
        "relationship": relationship,
        "period": period(record.coverage_start, record.coverage_end),
        "payor": [ref("Organization", payer_id(record.payer.key), record.payer.name)],
        "class": _coverage_classes(record),
        "network": record.line_of_business,
    }
    data["policyHolder"] = data["subscriber"]
    return compact(data)


def to_coverage(record: MemberRecord) -> FHIRAbstractModel:
    """A Coverage claiming us-core-coverage and C4BB-Coverage."""
    return build("Coverage", coverage_json(record))


def related_person_json(record: MemberRecord) -> JSON | None:
    """A dependent's subscriber as a RelatedPerson of the dependent, or None for subscribers."""
    if record.relationship == "self" or not record.subscriber_family:
        return None
    role = RELATIONSHIP_ROLE.get(record.relationship, "FAMMEMB")
    return compact(
        {
            "id": resource_id("related-person", f"{record.member_id}:{record.subscriber_id}"),
            "meta": meta(*RELATED_PERSON_PROFILES),
            "active": True,
            "patient": ref("Patient", patient_id(record.member_id)),
            "relationship": [concept(f"{THO}/v3-RoleCode", role)],
            "name": [{"family": record.subscriber_family, "given": list(record.subscriber_given)}],
            "telecom": _telecom(record),
            "address": [_address(record)] if record.address_line else None,
        }
    )


def to_related_person(record: MemberRecord) -> FHIRAbstractModel | None:
    """The subscriber of a dependent as a RelatedPerson (US Core + CARIN)."""
    data = related_person_json(record)
    return build("RelatedPerson", data) if data else None


def _member_identifiers(member_id: str) -> list[JSON]:
    return [
        {
            "use": "usual",
            "type": concept(V2_0203, "MB", "Member Number"),
            "system": MEMBER_ID_SYSTEM,
            "value": member_id,
        },
        {
            "type": concept(f"{C4BB_CS}/C4BBIdentifierType", "um", "Unique Member ID"),
            "system": UNIQUE_MEMBER_ID_SYSTEM,
            "value": resource_id("unique-member", member_id),
        },
    ]


def _names(record: MemberRecord) -> list[JSON]:
    names: list[JSON] = [{"use": "official", "family": record.family, "given": list(record.given)}]
    if record.previous_family:
        old = {"use": "old", "family": record.previous_family, "given": list(record.given)}
        names.append({**old, "period": {"end": record.coverage_start}})
    return names


def _telecom(record: MemberRecord) -> list[JSON]:
    telecom = []
    if record.phone:
        telecom.append({"system": "phone", "value": record.phone, "use": "home"})
    if record.email:
        telecom.append({"system": "email", "value": record.email, "use": "home"})
    return telecom


def _address(record: MemberRecord) -> JSON:
    return compact(
        {
            "use": "home",
            "line": [record.address_line],
            "city": record.city,
            "state": record.state,
            "postalCode": record.postal_code,
            "country": "US",
            "period": {"start": record.address_since} if record.address_since else None,
        }
    )


def _communication(language: str | None) -> list[JSON] | None:
    if not language:
        return None
    system = "urn:ietf:bcp:47"
    return [{"language": concept(system, language), "preferred": True}]


def _demographics(record: MemberRecord) -> list[JSON]:
    out: list[JSON] = []
    if record.race:
        out.append(_omb("us-core-race", record.race))
    if record.ethnicity:
        out.append(_omb("us-core-ethnicity", record.ethnicity))
    if record.tribal_affiliation:
        tribe = concept(f"{THO}/v3-TribalEntityUS", record.tribal_affiliation)
        out.append(
            {
                "url": f"{US_CORE}/us-core-tribal-affiliation",
                "extension": [
                    {"url": "tribalAffiliation", "valueCodeableConcept": tribe},
                    {"url": "isEnrolled", "valueBoolean": True},
                ],
            }
        )
    if record.birth_sex:
        out.append({"url": f"{US_CORE}/us-core-birthsex", "valueCode": record.birth_sex})
    if record.gender in SEX_SNOMED:
        out.append({"url": f"{US_CORE}/us-core-sex", "valueCode": SEX_SNOMED[record.gender]})
    return out


def _omb(name: str, code: str) -> JSON:
    display = OMB_DISPLAY.get(code, code)
    return {
        "url": f"{US_CORE}/{name}",
        "extension": [
            {
                "url": "ombCategory",
                "valueCoding": {"system": OMB, "code": code, "display": display},
            },
            {"url": "text", "valueString": display},
        ],
    }


def _coverage_classes(record: MemberRecord) -> list[JSON]:
    kinds = f"{THO}/coverage-class"
    return [
        {
            "type": concept(kinds, "group", "Group"),
            "value": record.group_id,
            "name": record.group_name,
        },
        {
            "type": concept(kinds, "plan", "Plan"),
            "value": record.plan_key,
            "name": record.plan_name,
        },
    ]
