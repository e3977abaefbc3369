"""Instance, type and system history with paging."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.rest.conftest import FHIR_JSON, patient

pytestmark = pytest.mark.integration


def test_instance_history_newest_first(fhir: FlaskClient, created: dict[str, Any]) -> None:
    pid = created["id"]
    fhir.put(f"/fhir/Patient/{pid}", json={**created, "gender": "male"})
    bundle = fhir.get(f"/fhir/Patient/{pid}/_history").get_json()
    assert bundle["type"] == "history"
    versions = [e["resource"]["meta"]["versionId"] for e in bundle["entry"]]
    assert versions == ["2", "1"]
    assert [e["request"]["method"] for e in bundle["entry"]] == ["PUT", "POST"]
    assert bundle["entry"][0]["response"]["etag"] == 'W/"2"'


def test_type_history_pages_without_repeats_or_gaps(fhir: FlaskClient) -> None:
    for i in range(7):
        fhir.post("/fhir/Patient", json=patient(f"P{i}"), headers=FHIR_JSON)
    seen: list[str] = []
    url: str | None = "/fhir/Patient/_history?_count=3"
    while url:
        bundle = fhir.get(url.replace("http://localhost", "")).get_json()
        seen += [e["resource"]["name"][0]["family"] for e in bundle["entry"]]
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    assert sorted(seen) == [f"P{i}" for i in range(7)]
    assert seen == [f"P{i}" for i in reversed(range(7))]


def test_history_next_link_is_absolute(fhir: FlaskClient) -> None:
    for i in range(3):
        fhir.post("/fhir/Patient", json=patient(f"P{i}"), headers=FHIR_JSON)
    bundle = fhir.get("/fhir/_history?_count=2").get_json()
    next_url = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    assert next_url.startswith("http://localhost/fhir/_history?")


def test_history_since_filters(fhir: FlaskClient, created: dict[str, Any]) -> None:
    bundle = fhir.get("/fhir/Patient/_history?_since=2999-01-01T00:00:00Z").get_json()
    assert "entry" not in bundle


def test_history_bad_parameters_are_400(fhir: FlaskClient) -> None:
    assert fhir.get("/fhir/Patient/_history?_count=abc").status_code == 400
    assert fhir.get("/fhir/Patient/_history?_since=yesterday").status_code == 400
    assert fhir.get("/fhir/Patient/_history?_cursor=%%%").status_code == 400


def test_history_of_unknown_instance_is_404(fhir: FlaskClient) -> None:
    assert fhir.get("/fhir/Patient/nope/_history").status_code == 404
