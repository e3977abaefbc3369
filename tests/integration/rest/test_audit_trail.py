"""Every access to member data through the FHIR API lands in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine

from auth.clients import mint_token
from gateway.audit.buffer import AuditBuffer
from gateway.audit.log import events
from gateway.store.repository import Repository

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"


@pytest.fixture
def stored(app: Flask) -> dict[str, str]:
    """Two patients and a directory Practitioner."""
    with app.extensions["gateway"].engine.begin() as conn:
        repo = Repository(conn)
        a = repo.create("Patient", {"resourceType": "Patient"}).id
        b = repo.create("Patient", {"resourceType": "Patient"}).id
        doc = repo.create("Practitioner", {"resourceType": "Practitioner"}).id
    return {"a": a, "b": b, "doc": doc}


def _token(app: Flask, scope: str, **kwargs: Any) -> dict[str, str]:
    with app.extensions["gateway"].engine.begin() as conn:
        token = mint_token(conn, "audit-test", scope, BASE, **kwargs)
    return {"Authorization": f"Bearer {token}"}


def _log(app: Flask) -> list[dict[str, Any]]:
    app.extensions["audit_buffer"].flush()
    with app.extensions["gateway"].engine.connect() as conn:
        return events(conn, None)


def test_member_read_is_recorded_with_app_and_patient(app: Flask, stored: dict[str, str]) -> None:
    headers = _token(app, "patient/*.rs", kind="patient", patient_id=stored["a"])
    assert app.test_client().get(f"/fhir/Patient/{stored['a']}", headers=headers).status_code == 200
    (row,) = _log(app)
    assert (row["action"], row["outcome"], row["patient_id"]) == ("read", "success", stored["a"])
    assert row["client_id"] == "audit-test"
    assert row["resource_ids"] == f"Patient/{stored['a']}"


def test_read_of_another_member_is_recorded_as_refused(app: Flask, stored: dict[str, str]) -> None:
    headers = _token(app, "patient/*.rs", kind="patient", patient_id=stored["a"])
    assert app.test_client().get(f"/fhir/Patient/{stored['b']}", headers=headers).status_code == 404
    (row,) = _log(app)
    assert row["outcome"] == "refused"
    assert row["resource_ids"] == f"Patient/{stored['b']}"


def test_search_records_every_returned_id(app: Flask, stored: dict[str, str]) -> None:
    headers = _token(app, "system/*.rs")
    assert app.test_client().get("/fhir/Patient", headers=headers).status_code == 200
    (row,) = _log(app)
    assert row["action"] == "search-type"
    assert set(row["resource_ids"].split()) == {f"Patient/{stored['a']}", f"Patient/{stored['b']}"}


def test_directory_reads_are_not_audited(app: Flask, stored: dict[str, str]) -> None:
    client = app.test_client()
    assert client.get(f"/fhir/Practitioner/{stored['doc']}").status_code == 200
    assert client.get("/fhir/Practitioner").status_code == 200
    assert _log(app) == []


def test_write_is_recorded_after_commit(app: Flask) -> None:
    headers = {**_token(app, "system/*.cruds"), "Content-Type": "application/fhir+json"}
    response = app.test_client().post(
        "/fhir/Patient", json={"resourceType": "Patient"}, headers=headers
    )
    assert response.status_code == 201
    (row,) = _log(app)
    assert (row["action"], row["outcome"]) == ("create", "success")
    assert row["resource_ids"] == f"Patient/{response.get_json()['id']}"


def test_buffer_keeps_rows_when_a_flush_fails(tmp_path: Any) -> None:
    broken = create_engine(f"sqlite:///{tmp_path}/no-audit-table.db")
    buffer = AuditBuffer(broken, max_delay=60)
    buffer.add({"action": "read"})
    assert buffer.flush() == 0
    assert len(buffer._rows) == 1
    buffer._rows.clear()  # nothing left for the exit flush


def test_anonymous_cannot_write_the_public_directory(app: Flask, stored: dict[str, str]) -> None:
    client = app.test_client()
    body = {"resourceType": "Practitioner", "id": stored["doc"], "active": False}
    headers = {"Content-Type": "application/fhir+json"}
    assert client.post("/fhir/Practitioner", json=body, headers=headers).status_code == 401
    put = client.put(f"/fhir/Practitioner/{stored['doc']}", json=body, headers=headers)
    assert put.status_code == 401
    assert client.delete(f"/fhir/Practitioner/{stored['doc']}").status_code == 401
    read = client.get(f"/fhir/Practitioner/{stored['doc']}").get_json()
    assert read["meta"]["versionId"] == "1"
    assert "active" not in read
