"""Canonical URLs, code systems and small FHIR value builders shared by the member-side mappings.

Profiles: https://hl7.org/fhir/us/carin-bb/STU2/ , https://hl7.org/fhir/us/core/STU6.1/ ,
https://hl7.org/fhir/us/davinci-pdex/STU2/ , https://hl7.org/fhir/us/davinci-pas/STU2/ .
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"
C4BB = "http://hl7.org/fhir/us/carin-bb/StructureDefinition"
C4BB_CS = "http://hl7.org/fhir/us/carin-bb/CodeSystem"
PDEX = "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition"
PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition"
THO = "http://terminology.hl7.org/CodeSystem"
V2_0203 = f"{THO}/v2-0203"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
TIN_SYSTEM = "urn:oid:2.16.840.1.113883.4.4"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10_PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://bluebutton.cms.gov/resources/codesystem/hcpcs"
NDC = "http://hl7.org/fhir/sid/ndc"
CDT = "http://www.ada.org/cdt"
X12_CARC = "https://x12.org/codes/claim-adjustment-reason-codes"
X12_RARC = "https://x12.org/codes/remittance-advice-remark-codes"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"

# The plan's own identifier systems (CARIN: a plan-specific URI per identifier kind).
PLAN_BASE = "https://fhir.example-health-plan.org/identifiers"
MEMBER_ID_SYSTEM = f"{PLAN_BASE}/member-id"
UNIQUE_MEMBER_ID_SYSTEM = f"{PLAN_BASE}/unique-member-id"
CLAIM_ID_SYSTEM = f"{PLAN_BASE}/claim-id"
AUTHORIZATION_SYSTEM = f"{PLAN_BASE}/authorization-number"
PROGRAM_SYSTEM = f"{PLAN_BASE}/care-program"
PAYER_ID_SYSTEM = f"{PLAN_BASE}/payer-id"
NAIC_SYSTEM = "urn:oid:2.16.840.1.113883.6.300"


def meta(*profiles: str) -> JSON:
    """``meta`` claiming the profiles (lastUpdated and versionId are set by the store)."""
    return {"profile": list(profiles)}


def coding(system: str, code: str, display: str | None = None) -> JSON:
    """One Coding."""
    if display:
        return {"system": system, "code": code, "display": display}
    return {"system": system, "code": code}


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> JSON:
    """A CodeableConcept with one coding."""
    # The coding is built here rather than by coding(): feed loads call this about 36 times
    # per resource, and the extra call was a tenth of the map stage (bench/prepare_bench.py).
    one = (
        {"system": system, "code": code, "display": display}
        if display
        else {"system": system, "code": code}
    )
    if text:
        return {"coding": [one], "text": text}
    return {"coding": [one]}


def ref(resource_type: str, resource_id: str, display: str | None = None) -> JSON:
    """A relative Reference ``Type/id``."""
    out: JSON = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        out["display"] = display
    return out


def money(value: float) -> JSON:
    """US dollars, rounded to cents."""
    return {"value": round(value, 2), "currency": "USD"}


def period(start: str | None, end: str | None) -> JSON:
    """A Period with the ends that are known."""
    return compact({"start": start, "end": end})


def absent(reason: str = "unknown") -> JSON:
    """The data-absent-reason extension list for a primitive or complex element."""
    return {"extension": [{"url": DATA_ABSENT, "valueCode": reason}]}


def absent_concept() -> JSON:
    """A CodeableConcept saying the value is unknown (data-absent-reason code system)."""
    return concept(f"{THO}/data-absent-reason", "unknown", "Unknown")


def compact(data: JSON) -> JSON:
    """Drop keys whose value is ``None`` or an empty list/dict."""
    return {k: v for k, v in data.items() if v is not None and (v or v.__class__ not in _EMPTY)}


_EMPTY = frozenset({list, dict})  # the classes whose empty values compact() drops
