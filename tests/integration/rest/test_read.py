"""read and vread through the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.integration


def test_read_returns_stored_resource_with_version_headers(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    response = fhir.get(f"/fhir/Patient/{created['id']}")
    assert response.status_code == 200
    assert response.content_type.startswith("application/fhir+json")
    assert response.headers["ETag"] == 'W/"1"'
    assert response.headers["Last-Modified"].endswith("GMT")
    body = response.get_json()
    assert body == created
    assert body["meta"]["versionId"] == "1"
    assert body["meta"]["lastUpdated"].endswith("Z")


def test_read_with_matching_if_none_match_is_304(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    response = fhir.get(f"/fhir/Patient/{created['id']}", headers={"If-None-Match": 'W/"1"'})
    assert response.status_code == 304
    assert response.data == b""


def test_read_with_stale_if_none_match_returns_body(
    fhir: FlaskClient, created: dict[str, Any]
) -> None:
    response = fhir.get(f"/fhir/Patient/{created['id']}", headers={"If-None-Match": 'W/"7"'})
    assert response.status_code == 200


def test_read_unknown_id_is_404_operation_outcome(fhir: FlaskClient) -> None:
    response = fhir.get("/fhir/Patient/does-not-exist")
    assert response.status_code == 404
    outcome = response.get_json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "not-found"


def test_read_unknown_type_is_404(fhir: FlaskClient) -> None:
    response = fhir.get("/fhir/Pateint/1")
    assert response.status_code == 404
    assert (
        response.get_json()["issue"][0]["details"]["coding"][0]["code"] == "unknown-resource-type"
    )


def test_r4b_only_type_is_unknown(fhir: FlaskClient) -> None:
    assert fhir.get("/fhir/SubscriptionTopic/1").status_code == 404


def test_vread_returns_each_version(fhir: FlaskClient, created: dict[str, Any]) -> None:
    pid = created["id"]
    fhir.put(f"/fhir/Patient/{pid}", json={**created, "gender": "female"})
    first = fhir.get(f"/fhir/Patient/{pid}/_history/1")
    second = fhir.get(f"/fhir/Patient/{pid}/_history/2")
    assert first.status_code == second.status_code == 200
    assert "gender" not in first.get_json()
    assert second.get_json()["gender"] == "female"
    assert fhir.get(f"/fhir/Patient/{pid}/_history/3").status_code == 404
    assert fhir.get(f"/fhir/Patient/{pid}/_history/x").status_code == 400


def test_format_json_accepted_and_xml_refused(fhir: FlaskClient, created: dict[str, Any]) -> None:
    url = f"/fhir/Patient/{created['id']}"
    assert fhir.get(url + "?_format=json").status_code == 200
    assert fhir.get(url, headers={"Accept": "application/json"}).status_code == 200
    refused = fhir.get(url, headers={"Accept": "application/fhir+xml"})
    assert refused.status_code == 406
    assert refused.get_json()["resourceType"] == "OperationOutcome"
    assert fhir.get(url + "?_format=xml").status_code == 406
