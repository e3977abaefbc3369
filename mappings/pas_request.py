"""The request details of a PAS Claim: care team, supporting info, diagnosis, accident, stay.

https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-claim.html
"""

from __future__ import annotations

from mappings.authorization_records import AuthorizationRecord
from mappings.fhir_values import JSON, PAS, THO, absent, coding, compact, concept, period, ref
from mappings.members import patient_id

PAS_TEMP_CODES = "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes"
CLAIM_ENCOUNTER = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Claim.encounter"
X12_1221 = "https://codesystem.x12.org/005010/1221"  # provider code (PRV01)
X12_1362 = "https://codesystem.x12.org/005010/1362"  # related causes (accident type)
NUCC = "http://nucc.org/provider-taxonomy"
NUBC_ADMISSION_TYPE = "https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit"
ENCOUNTER_ID = "encounter"  # the contained Encounter of an inpatient request


def care_team_member(auth: AuthorizationRecord, provider: JSON) -> JSON:
    """The requesting provider as the claim-level care team member, with its PRV role."""
    scope = {"url": f"{PAS}/extension-careTeamClaimScope", "valueBoolean": True}
    return compact(
        {
            "extension": [scope],
            "sequence": 1,
            "provider": provider,
            "role": _maybe(X12_1221, auth.requester_role),
            "qualification": _maybe(NUCC, auth.requester_taxonomy),
        }
    )


def supporting_info(auth: AuthorizationRecord) -> list[JSON]:
    """The supportingInfo slices the record carries, numbered in order."""
    entries: list[JSON] = []
    if auth.event_date:
        event = period(auth.event_date, auth.event_end_date)
        timing = {"timingPeriod": event} if auth.event_end_date else {"timingDate": auth.event_date}
        entries.append({"category": _category("patientEvent"), **timing})
    if auth.admission:
        admitted = auth.admission.admission_date
        entries.append({"category": _category("admissionDates"), "timingDate": admitted})
        if auth.admission.discharge_date:
            discharge = auth.admission.discharge_date
            entries.append({"category": _category("dischargeDates"), "timingDate": discharge})
    for text in auth.additional_information:
        attachment = {"valueReference": {"display": text}}
        entries.append({"category": _category("additionalInformation"), **attachment})
    for text in auth.message_text:
        entries.append({"category": _category("freeFormMessage"), "valueString": text})
    return [{"sequence": n, **entry} for n, entry in enumerate(entries, start=1)]


def diagnosis_details(auth: AuthorizationRecord) -> JSON:
    """The recorded date and X12 diagnosis type of the request's diagnosis, when known."""
    recorded = f"{PAS}/extension-diagnosisRecordedDate"
    return compact(
        {
            "extension": [{"url": recorded, "valueDate": auth.diagnosis_recorded_date}]
            if auth.diagnosis_recorded_date
            else None,
            "type": [concept(PAS_TEMP_CODES, auth.diagnosis_type)] if auth.diagnosis_type else None,
        }
    )


def accident(auth: AuthorizationRecord) -> JSON | None:
    """Claim.accident; the date is required there, so an unknown one is data-absent."""
    if auth.accident is None:
        return None
    known = auth.accident.accident_date
    when = {"date": known} if known else {"_date": absent()}
    return compact({**when, "type": _maybe(X12_1362, auth.accident.accident_type)})


def encounter_extension(auth: AuthorizationRecord) -> list[JSON]:
    """The Claim.encounter extension pointing at the contained stay of an inpatient request."""
    if encounter(auth) is None:
        return []
    return [{"url": CLAIM_ENCOUNTER, "valueReference": {"reference": f"#{ENCOUNTER_ID}"}}]


def encounter(auth: AuthorizationRecord) -> JSON | None:
    """The planned inpatient stay as a contained PAS Encounter.

    Encounter.type is required with a required X12 binding that has no data-absent code, so
    a stay whose admission type is unknown has no Encounter (its dates stay in supportingInfo).
    """
    stay = auth.admission
    if stay is None or stay.admission_type is None:
        return None
    return {
        "resourceType": "Encounter",
        "id": ENCOUNTER_ID,
        "meta": {"profile": [f"{PAS}/profile-encounter"]},
        "status": "planned",  # fixed by PAS: the stay is being requested
        "class": coding(f"{THO}/v3-ActCode", "IMP", "inpatient encounter"),
        "type": [concept(NUBC_ADMISSION_TYPE, stay.admission_type)],
        "subject": ref("Patient", patient_id(auth.member_id)),
        "period": period(stay.admission_date, stay.discharge_date),
    }


def _category(code: str) -> JSON:
    return concept(PAS_TEMP_CODES, code)


def _maybe(system: str, code: str | None) -> JSON | None:
    return concept(system, code) if code else None
