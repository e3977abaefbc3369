"""HTTP: ``POST /fhir/$import`` kick-off, ``GET /jobs/<id>``, the admin review queue, access."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from auth.clients import mint_token
from tests.conftest import SHARED
from tests.integration.ehr.conftest import Slice

pytestmark = pytest.mark.integration
NDJSON = "application/fhir+ndjson"


@pytest.fixture(autouse=True)
def _stop_worker(app: Flask) -> Iterator[None]:
    """Join the app's job thread before the database goes away."""
    yield
    app.extensions["jobs"].stop()


def _token(app: Flask, scope: str) -> str:
    state = app.extensions["gateway"]
    with state.engine.begin() as conn:
        return mint_token(conn, "ehr-reader", scope, state.base_url)


def _wait(fhir: FlaskClient, location: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = fhir.get(location)
        if response.status_code == 200:
            body: dict[str, object] = response.get_json()
            return body
        assert response.status_code == 202
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_import_kick_off_answers_202_and_the_status_shows_counts(
    app: Flask, fhir: FlaskClient, synthea_slice: Slice
) -> None:
    body = (synthea_slice.path / "Practitioner.000.ndjson").read_bytes() + b"not json\n"
    response = fhir.post("/fhir/$import?source=lab-feed", data=body, content_type=NDJSON)
    assert response.status_code == 202
    location = response.headers["Content-Location"]
    assert location.startswith("http://localhost/jobs/")
    status = _wait(fhir, location.removeprefix("http://localhost"))
    assert status["status"] == "succeeded"
    counts = status["counts"]
    assert isinstance(counts, dict)
    assert counts["created"] == len(synthea_slice.lines["Practitioner"])
    issues = status["issues"]
    assert isinstance(issues, list)
    assert issues[0]["line"] == len(synthea_slice.lines["Practitioner"]) + 1
    assert issues[0]["message"] == "not valid JSON"


def test_import_kick_off_without_a_token_is_401(client: FlaskClient) -> None:
    response = client.post("/fhir/$import", data=b"{}\n", content_type=NDJSON)
    assert response.status_code == 401
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_import_kick_off_with_a_read_only_token_is_403(app: Flask, client: FlaskClient) -> None:
    token = _token(app, "system/*.rs")
    response = client.post(
        "/fhir/$import",
        data=b"{}\n",
        content_type=NDJSON,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_import_kick_off_refuses_other_media_types(fhir: FlaskClient) -> None:
    response = fhir.post("/fhir/$import", data=b"a,b\n", content_type="text/csv")
    assert response.status_code == 415


def test_job_status_of_an_unknown_job_is_404(fhir: FlaskClient) -> None:
    assert fhir.get("/jobs/no-such-job").status_code == 404


def test_job_status_and_review_queue_need_a_write_token(app: Flask, client: FlaskClient) -> None:
    token = _token(app, "system/Patient.rs")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/jobs/x", headers=headers).status_code == 403
    assert client.get("/admin/ehr/review", headers=headers).status_code == 403
    assert client.get("/admin/ehr/review").status_code == 401
    assert client.post("/admin/ehr/review/x", json={"reject": True}).status_code == 401


def test_admin_lists_and_rejects_a_review_item(fhir: FlaskClient, synthea_slice: Slice) -> None:
    body = (synthea_slice.path / "Patient.000.ndjson").read_bytes()
    location = fhir.post("/fhir/$import", data=body, content_type=NDJSON).headers[
        "Content-Location"
    ]
    _wait(fhir, location.removeprefix("http://localhost"))
    items = fhir.get("/admin/ehr/review").get_json()["items"]
    assert len(items) == 3  # no members stored: every patient waits for review
    assert all("Patient/" not in str(i["candidates"]) for i in items)
    bad = fhir.post(f"/admin/ehr/review/{items[0]['id']}", json={})
    assert bad.status_code == 400
    done = fhir.post(f"/admin/ehr/review/{items[0]['id']}", json={"reject": True})
    assert done.status_code == 200
    assert done.get_json()["status"] == "rejected"
    assert len(fhir.get("/admin/ehr/review").get_json()["items"]) == 2


def _synthea_bundle(entries: int) -> dict[str, Any]:
    path = SHARED / "data" / "synthea-bundles"
    bundle: dict[str, Any] = json.loads(next(path.glob("Fred_Beer_*.json")).read_text())
    bundle["entry"] = bundle["entry"][:entries]
    return bundle


def test_pushed_transaction_answers_a_transaction_response(fhir: FlaskClient) -> None:
    response = fhir.post("/ehr/fhir?source=mass", json=_synthea_bundle(20))
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "transaction-response"
    assert len(body["entry"]) == 20
    assert body["entry"][0]["response"]["status"] == "202 Accepted"  # no member: review


def test_pushed_transaction_with_a_bad_entry_is_400_naming_it_and_writes_nothing(
    fhir: FlaskClient,
) -> None:
    bundle = _synthea_bundle(20)
    bundle["entry"][5]["resource"]["status"] = 42
    response = fhir.post("/ehr/fhir", json=bundle)
    assert response.status_code == 400
    issue = response.get_json()["issue"][0]
    assert issue["expression"] == ["Bundle.entry[5].resource"]
    assert fhir.get("/admin/ehr/review").get_json()["items"] == []


def test_push_without_a_token_is_401_and_with_a_read_token_403(
    app: Flask, client: FlaskClient
) -> None:
    assert client.post("/ehr/fhir", json=_synthea_bundle(2)).status_code == 401
    token = _token(app, "system/*.rs")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/ehr/fhir", json=_synthea_bundle(2), headers=headers).status_code == 403


def test_push_of_a_non_bundle_is_400(fhir: FlaskClient) -> None:
    response = fhir.post("/ehr/fhir", json=[1, 2])
    assert response.status_code == 400


def test_imported_conditions_bring_their_provenance_with_revinclude(
    fhir: FlaskClient, synthea_slice: Slice, engine_for_app: Any
) -> None:
    patient = synthea_slice.lines["Patient"][0]
    conditions = [
        c for c in synthea_slice.clinical_of(patient["id"]) if c["resourceType"] == "Condition"
    ]
    assert conditions
    body = "".join(json.dumps(r) + "\n" for r in [patient, *conditions]).encode()
    location = fhir.post("/fhir/$import", data=body, content_type=NDJSON).headers[
        "Content-Location"
    ]
    _wait(fhir, location.removeprefix("http://localhost"))
    item = fhir.get("/admin/ehr/review").get_json()["items"][0]
    member = engine_for_app(synthea_slice.lines["Patient"][0])
    assert fhir.post(f"/admin/ehr/review/{item['id']}", json={"member": member}).status_code == 200
    found = fhir.get(
        f"/fhir/Condition?{member.replace('Patient/', 'patient=')}"
        "&_revinclude=Provenance:target&_count=200"
    ).get_json()
    types = {e["resource"]["resourceType"] for e in found["entry"]}
    assert types == {"Condition", "Provenance"}
    provenance = next(e for e in found["entry"] if e["resource"]["resourceType"] == "Provenance")
    assert provenance["search"]["mode"] == "include"


@pytest.fixture
def engine_for_app(app: Flask) -> Any:
    """Store a member Patient for an EHR Patient in the app's database; its reference."""
    from gateway.store.repository import Repository
    from tests.integration.ehr.conftest import member_patient

    def seed(ehr: dict[str, Any]) -> str:
        member = member_patient(ehr, "R1")
        with app.extensions["gateway"].engine.begin() as conn:
            Repository(conn).upsert("Patient", member)
        return f"Patient/{member['id']}"

    return seed
