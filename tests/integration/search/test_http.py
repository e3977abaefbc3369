"""Search through the HTTP API: GET and POST _search agree, next links work verbatim."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.integration
JSON = {"Content-Type": "application/fhir+json"}


@pytest.fixture
def stored(fhir: FlaskClient) -> None:
    for n in range(5):
        body = {
            "resourceType": "Patient",
            "id": f"h{n}",
            "name": [{"family": f"Http{n}"}],
            "gender": "male" if n % 2 else "female",
        }
        assert fhir.put(f"/fhir/Patient/h{n}", json=body, headers=JSON).status_code in (200, 201)


@pytest.mark.usefixtures("stored")
def test_get_and_post_search_give_the_same_results(fhir: FlaskClient) -> None:
    got = fhir.get("/fhir/Patient?family=http&gender=male")
    posted = fhir.post(
        "/fhir/Patient/_search",
        data={"family": "http", "gender": "male"},
        content_type="application/x-www-form-urlencoded",
    )
    assert got.status_code == posted.status_code == 200
    ids = [e["resource"]["id"] for e in got.get_json()["entry"]]
    assert ids == [e["resource"]["id"] for e in posted.get_json()["entry"]] == ["h1", "h3"]


@pytest.mark.usefixtures("stored")
def test_next_link_works_verbatim(fhir: FlaskClient) -> None:
    bundle = fhir.get("/fhir/Patient?family=http&_count=2").get_json()
    seen = [e["resource"]["id"] for e in bundle["entry"]]
    while nxt := next((x["url"] for x in bundle["link"] if x["relation"] == "next"), None):
        bundle = fhir.get(nxt).get_json()
        seen += [e["resource"]["id"] for e in bundle["entry"]]
    assert seen == ["h0", "h1", "h2", "h3", "h4"]


def test_malformed_value_is_400_operation_outcome(fhir: FlaskClient) -> None:
    response = fhir.get("/fhir/Patient?birthdate=notadate")
    assert response.status_code == 400
    issue = response.get_json()["issue"][0]
    assert issue["expression"] == ["birthdate"]


def test_strict_handling_refuses_unknown_parameters(fhir: FlaskClient) -> None:
    response = fhir.get("/fhir/Patient?colour=blue", headers={"Prefer": "handling=strict"})
    assert response.status_code == 400
    assert fhir.get("/fhir/Patient?colour=blue").status_code == 200


def test_near_and_composite_through_http_with_encoded_values(fhir: FlaskClient) -> None:
    place = {
        "resourceType": "Location",
        "id": "hq",
        "position": {"latitude": 41.76, "longitude": -72.67},
    }
    bp = {
        "resourceType": "Observation",
        "id": "bp",
        "status": "final",
        "code": {"text": "bp"},
        "component": [
            {"code": {"coding": [{"code": "8480-6"}]}, "valueQuantity": {"value": 150}},
            {"code": {"coding": [{"code": "8462-4"}]}, "valueQuantity": {"value": 90}},
        ],
    }
    for body in (place, bp):
        url = f"/fhir/{body['resourceType']}/{body['id']}"
        assert fhir.put(url, json=body, headers=JSON).status_code in (200, 201)
    near = fhir.get("/fhir/Location?near=41.7%7C-72.6%7C10%7C%5Bmi_i%5D")
    assert [e["resource"]["id"] for e in near.get_json()["entry"]] == ["hq"]
    pair = fhir.get("/fhir/Observation?component-code-value-quantity=8480-6%24gt140")
    assert [e["resource"]["id"] for e in pair.get_json()["entry"]] == ["bp"]
    crossed = fhir.get("/fhir/Observation?component-code-value-quantity=8462-4%24gt140")
    assert crossed.get_json().get("entry", []) == []


def test_unsupported_composite_is_400_operation_outcome(fhir: FlaskClient) -> None:
    response = fhir.get("/fhir/DocumentReference?relationship=replaces%24DocumentReference/1")
    assert response.status_code == 400
    assert response.get_json()["resourceType"] == "OperationOutcome"
    assert response.get_json()["issue"][0]["expression"] == ["relationship"]
