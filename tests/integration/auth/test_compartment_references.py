"""Only references to our own Patients put a resource in a member's compartment.

An EHR may send ``https://other.example/fhir/Patient/123``: that is another server's patient,
even when a local Patient happens to have the id 123, so the member with that id must not see
the resource (DESIGN D3: default deny).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from auth.clients import mint_token
from gateway.store.repository import Repository

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"


def _observation(subject: str, code: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "urn:test", "code": code}]},
        "subject": {"reference": subject},
    }


def test_another_servers_patient_reference_is_not_a_compartment_link(app: Flask) -> None:
    with app.extensions["gateway"].engine.begin() as conn:
        repo = Repository(conn)
        member = repo.create("Patient", {"resourceType": "Patient"}).id
        own = repo.create("Observation", _observation(f"Patient/{member}", "own")).id
        foreign = repo.create(
            "Observation", _observation(f"https://other.example/fhir/Patient/{member}", "foreign")
        ).id
        token = mint_token(conn, "app", "patient/*.rs", BASE, kind="patient", patient_id=member)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/fhir/Observation/{own}", headers=headers).status_code == 200
    assert client.get(f"/fhir/Observation/{foreign}", headers=headers).status_code == 404
    found = client.get("/fhir/Observation", headers=headers).get_json()
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [own]
    found = client.get(f"/fhir/Observation?patient={member}", headers=headers).get_json()
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [own]
