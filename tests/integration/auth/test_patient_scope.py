"""A member's token searching for another patient's data is refused with 403."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from auth.clients import mint_token
from gateway.store.repository import Repository

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"


@pytest.fixture
def two_members(app: Flask) -> tuple[Flask, str, str]:
    with app.extensions["gateway"].engine.begin() as conn:
        repo = Repository(conn)
        a = repo.create("Patient", {"resourceType": "Patient"}).id
        b = repo.create("Patient", {"resourceType": "Patient"}).id
        repo.create(
            "Observation",
            {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
             "subject": {"reference": f"Patient/{b}"}},
        )  # fmt: skip
    return app, a, b


def _search(app: Flask, patient: str, url: str) -> Any:
    with app.extensions["gateway"].engine.begin() as conn:
        token = mint_token(conn, "app", "patient/*.rs", BASE, kind="patient", patient_id=patient)
    return app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    "query",
    [
        "Observation?patient={other}",
        "Observation?subject=Patient/{other}",
        "Observation?subject={base}/Patient/{other}",
        "Observation?subject:Patient={other}",
        "Observation?patient={own},{other}",
        "Patient?_id={other}",
    ],
)
def test_search_naming_another_patient_is_403(
    two_members: tuple[Flask, str, str], query: str
) -> None:
    app, own, other = two_members
    response = _search(app, own, "/fhir/" + query.format(own=own, other=other, base=BASE))
    assert response.status_code == 403
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_search_naming_own_patient_is_allowed(two_members: tuple[Flask, str, str]) -> None:
    app, own, _ = two_members
    response = _search(app, own, f"/fhir/Observation?patient={own}")
    assert response.status_code == 200
    assert "entry" not in response.get_json()  # the other member's Observation never shows


def test_search_without_a_patient_returns_only_own_data(
    two_members: tuple[Flask, str, str],
) -> None:
    app, own, _ = two_members
    response = _search(app, own, "/fhir/Observation")
    assert response.status_code == 200
    assert "entry" not in response.get_json()
