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
