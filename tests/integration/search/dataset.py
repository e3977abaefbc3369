"""A small hand-made dataset: every row exists to make some search match or not match."""

from __future__ import annotations

from typing import Any

LAB = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"


def _ref(target: str) -> dict[str, str]:
    return {"reference": target}


def _cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code, **({"display": display} if display else {})}
    return {"coding": [coding]}


PATIENTS: list[dict[str, Any]] = [
    {
        "resourceType": "Patient",
        "id": "pat-ann",
        "active": True,
        "name": [{"family": "Müller", "given": ["Ann", "Marie"]}],
        "gender": "female",
        "birthDate": "1990-02-03",
        "identifier": [
            {
                "system": "urn:mrn",
                "value": "MRN-1",
                "type": _cc("http://terminology.hl7.org/CodeSystem/v2-0203", "MR"),
            }
        ],
        "telecom": [{"system": "phone", "value": "555-1000"}],
        "address": [{"city": "Boston", "state": "MA", "postalCode": "02101"}],
    },
    {
        "resourceType": "Patient",
        "id": "pat-bob",
        "name": [{"family": "Smith", "given": ["Bob"]}],
        "gender": "male",
        "birthDate": "1980",
        "identifier": [{"system": "urn:mrn", "value": "mrn-2"}],
        "address": [{"city": "Cambridge", "state": "MA"}],
        "deceasedDateTime": "2020-05-01T10:00:00-05:00",
    },
    {
        "resourceType": "Patient",
        "id": "pat-cy",
        "name": [{"family": "Smithson", "text": "Cy Smithson"}],
        "gender": "other",
        "birthDate": "1980-06",
    },
]

DIRECTORY: list[dict[str, Any]] = [
    {"resourceType": "Organization", "id": "org-1", "name": "Acme Health", "alias": ["ACME"]},
    {"resourceType": "Organization", "id": "org-2", "name": "Beta Plans"},
    {"resourceType": "Practitioner", "id": "prac-1", "name": [{"family": "Jones"}]},
    {"resourceType": "Practitioner", "id": "prac-2", "name": [{"family": "Keller"}]},
    {
        "resourceType": "Location",
        "id": "loc-1",
        "name": "Main",
        "address": {"city": "Boston", "state": "MA"},
        "managingOrganization": _ref("Organization/org-1"),
    },
    {"resourceType": "Location", "id": "loc-2", "name": "Side", "address": {"city": "Springfield"}},
    {
        "resourceType": "PractitionerRole",
        "id": "role-1",
        "practitioner": _ref("Practitioner/prac-1"),
        "location": [_ref("Location/loc-1")],
        "specialty": [_cc("http://nucc.org/provider-taxonomy", "207Q00000X")],
    },
    {
        "resourceType": "PractitionerRole",
        "id": "role-2",
        "practitioner": _ref("Practitioner/prac-2"),
        "location": [_ref("Location/loc-2")],
    },
]

CLINICAL: list[dict[str, Any]] = [
    {
        "resourceType": "Observation",
        "id": "obs-1",
        "status": "final",
        "category": [_cc(LAB, "vital-signs")],
        "code": _cc(LOINC, "8302-2", "Body height"),
        "subject": _ref("Patient/pat-ann"),
        "effectiveDateTime": "2024-03-04T10:00:00-05:00",
        "valueQuantity": {"value": 172, "unit": "cm", "system": UCUM, "code": "cm"},
    },
    {
        "resourceType": "Observation",
        "id": "obs-2",
        "status": "preliminary",
        "category": [{**_cc(LAB, "laboratory"), "text": "Lab"}],
        "code": _cc(LOINC, "29463-7", "Body weight"),
        "subject": _ref("http://localhost/fhir/Patient/pat-bob"),
        "effectivePeriod": {"start": "2024-01-01", "end": "2024-01-31"},
        "valueQuantity": {"value": 80.5, "unit": "kg", "system": UCUM, "code": "kg"},
    },
    {
        "resourceType": "Observation",
        "id": "obs-3",
        "status": "final",
        "code": _cc("urn:other", "LOCAL-Code"),
        "subject": _ref("Patient/pat-ann"),
        "effectiveDateTime": "2023",
    },
    {
        "resourceType": "Coverage",
        "id": "cov-1",
        "status": "active",
        "beneficiary": _ref("Patient/pat-ann"),
        "payor": [_ref("Organization/org-1")],
    },
    {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-1",
        "status": "active",
        "use": "claim",
        "type": _cc(CLAIM_TYPE, "institutional"),
        "identifier": [{"system": "urn:claim", "value": "C-1"}],
        "patient": _ref("Patient/pat-ann"),
        "insurer": _ref("Organization/org-1"),
        "provider": _ref("Practitioner/prac-1"),
        "billablePeriod": {"start": "2024-01-01", "end": "2024-01-15"},
        "insurance": [{"focal": True, "coverage": _ref("Coverage/cov-1")}],
    },
    {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-2",
        "status": "cancelled",
        "use": "claim",
        "type": _cc(CLAIM_TYPE, "pharmacy"),
        "patient": _ref("Patient/pat-bob"),
        "insurer": _ref("Organization/org-2"),
        "provider": _ref("Organization/org-2"),
        "billablePeriod": {"start": "2024-02-01"},
        "item": [{"sequence": 1, "servicedDate": "2024-02-03"}],
    },
    {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-3",
        "status": "active",
        "use": "claim",
        "type": _cc(CLAIM_TYPE, "professional"),
        "patient": _ref("Patient/pat-bob"),
        "insurer": _ref("Organization/org-1"),
        "provider": _ref("Practitioner/prac-2"),
        "insurance": [{"focal": True, "coverage": _ref("Coverage/cov-1")}],
    },
    {
        "resourceType": "Medication",
        "id": "med-1",
        "code": _cc("http://www.nlm.nih.gov/research/umls/rxnorm", "1049502"),
    },
    {
        "resourceType": "Medication",
        "id": "med-2",
        "code": _cc("http://www.nlm.nih.gov/research/umls/rxnorm", "197361"),
    },
    {
        "resourceType": "MedicationRequest",
        "id": "mr-1",
        "status": "active",
        "intent": "order",
        "subject": _ref("Patient/pat-ann"),
        "medicationReference": _ref("Medication/med-1"),
        "authoredOn": "2024-05-06",
    },
    {
        "resourceType": "MedicationRequest",
        "id": "mr-2",
        "status": "active",
        "intent": "plan",
        "subject": _ref("Patient/pat-bob"),
        "medicationReference": _ref("Medication/med-2"),
    },
    {
        "resourceType": "Provenance",
        "id": "prov-1",
        "target": [_ref("Observation/obs-1")],
        "recorded": "2024-03-04T16:00:00Z",
        "agent": [{"who": _ref("Organization/org-1")}],
    },
    {
        "resourceType": "RiskAssessment",
        "id": "ra-1",
        "status": "final",
        "subject": _ref("Patient/pat-ann"),
        "prediction": [{"probabilityDecimal": 0.2}],
    },
    {
        "resourceType": "RiskAssessment",
        "id": "ra-2",
        "status": "final",
        "subject": _ref("Patient/pat-bob"),
        "prediction": [{"probabilityDecimal": 0.75}],
    },
    {
        "resourceType": "Questionnaire",
        "id": "q-1",
        "status": "active",
        "url": "http://example.org/fhir/Questionnaire/phq-9",
    },
    {
        "resourceType": "Questionnaire",
        "id": "q-2",
        "status": "active",
        "url": "http://example.org/fhir/Questionnaire/gad-7",
    },
]

ENCOUNTERS: list[dict[str, Any]] = [
    {
        "resourceType": "Encounter",
        "id": "enc-1",
        "meta": {
            "profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter"],
            "tag": [{"system": "urn:tags", "code": "demo"}],
            "source": "urn:feed:ehr-1",
        },
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "serviceProvider": {"identifier": {"system": "urn:npi", "value": "1234567893"}},
    },
    {
        "resourceType": "Encounter",
        "id": "enc-2",
        "status": "planned",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
    },
]

ALL: list[dict[str, Any]] = [*PATIENTS, *DIRECTORY, *CLINICAL, *ENCOUNTERS]

# 25 persons for paging and sorting: birth dates repeat (ties), some have none.
PAGED: list[dict[str, Any]] = [
    {
        "resourceType": "Person",
        "id": f"pg-{n:02d}",
        "name": [{"family": f"Pager{n % 7}"}],
        "gender": "female" if n % 2 else "male",
        **({"birthDate": f"19{60 + n % 5}-01-01"} if n % 6 else {}),
    }
    for n in range(25)
]

ALL += PAGED
