"""batch and transaction Bundles."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.rest.conftest import patient

pytestmark = pytest.mark.integration


def _observation(subject: str, status: Any = "final") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": status,
        "code": {"text": "weight"},
        "subject": {"reference": subject},
    }


def _tx(*entries: dict[str, Any], kind: str = "transaction") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def _post(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": full_url,
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"]},
    }


def _count(fhir: FlaskClient, rtype: str) -> int:
    bundle = fhir.get(f"/fhir/{rtype}/_history?_count=200").get_json()
    return len(bundle.get("entry", []))


def test_transaction_rewrites_urn_uuid_references(fhir: FlaskClient) -> None:
    response = fhir.post(
        "/fhir",
        json=_tx(
            _post("urn:uuid:a1", patient("T")), _post("urn:uuid:b2", _observation("urn:uuid:a1"))
        ),
    )
    assert response.status_code == 200
    bundle = response.get_json()
    assert bundle["type"] == "transaction-response"
    patient_id = bundle["entry"][0]["resource"]["id"]
    assert bundle["entry"][1]["resource"]["subject"]["reference"] == f"Patient/{patient_id}"
    assert bundle["entry"][0]["response"]["status"] == "201 Created"
    stored = fhir.get(bundle["entry"][1]["response"]["location"].replace("http://localhost", ""))
    assert stored.get_json()["subject"]["reference"] == f"Patient/{patient_id}"


def test_transaction_failure_names_entry_and_writes_nothing(fhir: FlaskClient) -> None:
    response = fhir.post(
        "/fhir",
        json=_tx(
            _post("urn:uuid:a1", patient("T")),
            {"request": {"method": "DELETE", "url": "Patient/missing"}},
        ),
    )
    assert response.status_code == 404
    issue = response.get_json()["issue"][0]
    assert issue["expression"][0] == "Bundle.entry[1]"
    assert issue["diagnostics"].startswith("Bundle.entry[1]")
    assert _count(fhir, "Patient") == 0


def test_transaction_invalid_resource_names_entry_path(fhir: FlaskClient) -> None:
    response = fhir.post(
        "/fhir",
        json=_tx(
            _post("urn:uuid:a1", patient("T")), _post("urn:uuid:b", _observation("x", status=7))
        ),
    )
    assert response.status_code == 400
    assert "Bundle.entry[1].resource.status" in response.get_json()["issue"][0]["expression"]
    assert _count(fhir, "Patient") == 0


def test_transaction_version_conflict_rolls_back(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    pid = created["id"]
    update = {
        "resource": {**created, "gender": "male"},
        "request": {"method": "PUT", "url": f"Patient/{pid}", "ifMatch": 'W/"9"'},
    }
    response = fhir.post("/fhir", json=_tx(_post("urn:uuid:n", patient("New")), update))
    assert response.status_code == 412
    assert _count(fhir, "Patient") == 1
    assert "gender" not in fhir.get(f"/fhir/Patient/{pid}").get_json()


def test_batch_answers_each_entry_independently(fhir: FlaskClient, created: dict[str, Any]) -> None:
    response = fhir.post(
        "/fhir",
        json=_tx(
            _post("urn:uuid:a", patient("B")),
            {"request": {"method": "GET", "url": f"Patient/{created['id']}"}},
            {"request": {"method": "GET", "url": "Patient/missing"}},
            kind="batch",
        ),
    )
    assert response.status_code == 200
    entries = response.get_json()["entry"]
    assert entries[0]["response"]["status"] == "201 Created"
    assert entries[1]["resource"]["id"] == created["id"]
    assert entries[2]["response"]["status"].startswith("404")
    assert entries[2]["response"]["outcome"]["resourceType"] == "OperationOutcome"
    assert _count(fhir, "Patient") == 2


def test_bundle_of_other_type_is_refused(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir", json=_tx(kind="collection"))
    assert response.status_code == 400


def test_entry_without_request_is_400(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir", json=_tx({"resource": patient()}))
    assert response.status_code == 400
    assert response.get_json()["issue"][0]["expression"] == ["Bundle.entry[0].request"]
