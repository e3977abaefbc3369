"""create, conditional create, update and delete through the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.rest.conftest import FHIR_JSON, patient

pytestmark = pytest.mark.integration


def test_create_assigns_id_and_version_and_location(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir/Patient", json=patient(id="client-id"), headers=FHIR_JSON)
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] != "client-id"
    assert body["meta"]["versionId"] == "1"
    assert response.headers["Location"] == f"http://localhost/fhir/Patient/{body['id']}/_history/1"
    assert response.headers["ETag"] == 'W/"1"'


def test_create_with_prefer_minimal_has_no_body(fhir: FlaskClient) -> None:
    response = fhir.post(
        "/fhir/Patient", json=patient(), headers={**FHIR_JSON, "Prefer": "return=minimal"}
    )
    assert response.status_code == 201
    assert response.data == b""
    assert "Location" in response.headers


def test_create_type_mismatch_is_400(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir/Observation", json=patient(), headers=FHIR_JSON)
    assert response.status_code == 400
    assert response.get_json()["issue"][0]["expression"] == ["resourceType"]


def test_create_invalid_structure_names_the_element(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir/Patient", json=patient(gender=3, foo=1), headers=FHIR_JSON)
    assert response.status_code == 400
    issue = response.get_json()["issue"][0]
    assert issue["code"] == "structure"
    assert set(issue["expression"]) == {"Patient.gender", "Patient.foo"}


def test_create_malformed_json_is_400(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir/Patient", data=b'{"resourceType": ', headers=FHIR_JSON)
    assert response.status_code == 400
    assert response.get_json()["issue"][0]["details"]["coding"][0]["code"] == "malformed-json"


def test_create_wrong_content_type_is_415(fhir: FlaskClient) -> None:
    response = fhir.post(
        "/fhir/Patient", data=b"<Patient/>", headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 415


def test_body_over_limit_is_413(make_app: Any) -> None:
    app = make_app(MAX_BODY_BYTES=2048)
    big = patient(
        text={
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml">' + "x" * 4000 + "</div>",
        }
    )
    response = app.test_client().post("/fhir/Patient", json=big, headers=FHIR_JSON)
    assert response.status_code == 413
    assert response.get_json()["issue"][0]["code"] == "too-costly"


def test_update_makes_new_version_and_keeps_history(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    pid = created["id"]
    response = fhir.put(f"/fhir/Patient/{pid}", json={**created, "gender": "male"})
    assert response.status_code == 200
    assert response.get_json()["meta"]["versionId"] == "2"
    assert response.headers["ETag"] == 'W/"2"'


def test_update_with_client_id_creates(fhir: FlaskClient) -> None:
    response = fhir.put("/fhir/Patient/abc-123", json=patient(id="abc-123"))
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/Patient/abc-123/_history/1")


def test_update_id_mismatch_is_400(fhir: FlaskClient, created: dict[str, Any]) -> None:
    response = fhir.put(f"/fhir/Patient/{created['id']}", json={**created, "id": "other"})
    assert response.status_code == 400


def test_update_with_stale_if_match_is_412_and_changes_nothing(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    pid = created["id"]
    assert fhir.put(f"/fhir/Patient/{pid}", json={**created, "gender": "male"}).status_code == 200
    stale = fhir.put(
        f"/fhir/Patient/{pid}", json={**created, "gender": "female"}, headers={"If-Match": 'W/"1"'}
    )
    assert stale.status_code == 412
    assert fhir.get(f"/fhir/Patient/{pid}").get_json()["gender"] == "male"
    assert len(fhir.get(f"/fhir/Patient/{pid}/_history").get_json()["entry"]) == 2


def test_update_with_current_if_match_succeeds(fhir: FlaskClient, created: dict[str, Any]) -> None:
    response = fhir.put(
        f"/fhir/Patient/{created['id']}",
        json={**created, "gender": "male"},
        headers={"If-Match": 'W/"1"'},
    )
    assert response.status_code == 200


def test_rejected_update_leaves_previous_version_and_history(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    pid = created["id"]
    bad = fhir.put(f"/fhir/Patient/{pid}", json={**created, "birthDate": "not-a-date"})
    assert bad.status_code == 400
    assert fhir.get(f"/fhir/Patient/{pid}").get_json() == created
    history = fhir.get(f"/fhir/Patient/{pid}/_history").get_json()
    assert [e["resource"]["meta"]["versionId"] for e in history["entry"]] == ["1"]


def test_delete_then_read_is_410_and_history_shows_delete(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    pid = created["id"]
    assert fhir.delete(f"/fhir/Patient/{pid}").status_code == 204
    assert fhir.get(f"/fhir/Patient/{pid}").status_code == 410
    history = fhir.get(f"/fhir/Patient/{pid}/_history").get_json()
    assert history["entry"][0]["request"]["method"] == "DELETE"
    assert "resource" not in history["entry"][0]
    assert fhir.get(f"/fhir/Patient/{pid}/_history/1").status_code == 200


def test_delete_unknown_is_404(fhir: FlaskClient) -> None:
    assert fhir.delete("/fhir/Patient/nope").status_code == 404


def test_wrong_method_is_405_with_allow(fhir: FlaskClient, created: dict[str, Any]) -> None:
    response = fhir.patch(f"/fhir/Patient/{created['id']}", json={})
    assert response.status_code == 405
    assert "PUT" in response.headers["Allow"]
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_conditional_create_returns_existing_match(fhir: FlaskClient) -> None:
    body = patient(identifier=[{"system": "urn:example:mrn", "value": "M-1"}])
    first = fhir.post("/fhir/Patient", json=body, headers=FHIR_JSON)
    headers = {**FHIR_JSON, "If-None-Exist": "identifier=urn:example:mrn|M-1"}
    again = fhir.post("/fhir/Patient", json=body, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]


def test_conditional_create_without_match_creates(fhir: FlaskClient) -> None:
    headers = {**FHIR_JSON, "If-None-Exist": "identifier=urn:example:mrn|M-2"}
    response = fhir.post("/fhir/Patient", json=patient(), headers=headers)
    assert response.status_code == 201


def test_conditional_create_with_several_matches_is_412(fhir: FlaskClient) -> None:
    for _ in range(2):
        fhir.post("/fhir/Patient", json=patient("Twin"), headers=FHIR_JSON)
    headers = {**FHIR_JSON, "If-None-Exist": "family=Twin"}
    response = fhir.post("/fhir/Patient", json=patient("Twin"), headers=headers)
    assert response.status_code == 412
