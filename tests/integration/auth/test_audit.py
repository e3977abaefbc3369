"""The audit log: append-only rows, read as AuditEvent by auditors and by the member."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from auth.clients import mint_token
from auth.context import AccessContext, TypeGrant
from gateway.audit import record
from tests.integration.auth.conftest import PATIENT_A, PATIENT_B, login

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"
# The fixture's rows carry this app id, so rows other requests add cannot blur the counts.
FIXTURE_APP = "audit-fixture-app"


def _fixture_events(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    events = [e["resource"] for e in bundle["entry"]]
    return [e for e in events if e["agent"][0]["who"]["identifier"]["value"] == FIXTURE_APP]


def _about(event: dict[str, Any]) -> set[str]:
    return {e["what"]["reference"] for e in event["entity"] if e["role"]["code"] == "1"}


def _member(pid: str) -> AccessContext:
    return AccessContext(
        kind="patient",
        patient_id=pid,
        all_types=TypeGrant(frozenset("rs")),
        client_id=FIXTURE_APP,
        fhir_user=f"Patient/{pid}",
        token_hash="ab" * 32,
    )


@pytest.fixture
def audited(auth_app: Flask) -> Flask:
    """Three audit rows: two about patient A (one refused), one about patient B."""
    with auth_app.extensions["gateway"].engine.begin() as conn:
        record(conn, _member(PATIENT_A), "read", "Patient", [PATIENT_A], "success")
        record(conn, _member(PATIENT_A), "search", "Observation", ["o1", "o2"], "success")
        record(conn, _member(PATIENT_B), "read", "Coverage", ["c9"], "refused")
    return auth_app


def _get(app: Flask, url: str, scope: str, **kwargs: Any) -> Any:
    with app.extensions["gateway"].engine.begin() as conn:
        token = mint_token(conn, "conf-app", scope, BASE, **kwargs)
    return app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})


def test_auditor_reads_every_event(audited: Flask) -> None:
    response = _get(audited, "/fhir/AuditEvent", "user/AuditEvent.rs", kind="user")
    bundle = response.get_json()
    assert response.status_code == 200
    events = _fixture_events(bundle)
    assert len(events) == 3
    first = events[-1]
    assert first["resourceType"] == "AuditEvent"
    assert first["action"] == "R"
    assert first["outcome"] == "0"
    refs = [e["what"]["reference"] for e in first["entity"]]
    assert f"Patient/{PATIENT_A}" in refs


def test_member_reads_only_events_about_their_record(audited: Flask) -> None:
    response = _get(
        audited, "/fhir/AuditEvent", "patient/AuditEvent.rs", kind="patient", patient_id=PATIENT_B
    )
    bundle = response.get_json()
    assert all(_about(e["resource"]) == {f"Patient/{PATIENT_B}"} for e in bundle["entry"])
    events = _fixture_events(bundle)
    assert len(events) == 1
    assert events[0]["outcome"] == "4"


def test_member_cannot_read_another_members_event(audited: Flask) -> None:
    all_events = _get(audited, "/fhir/AuditEvent", "user/AuditEvent.rs", kind="user").get_json()
    about_a = _fixture_events(all_events)[-1]["id"]
    response = _get(
        audited,
        f"/fhir/AuditEvent/{about_a}",
        "patient/AuditEvent.rs",
        kind="patient",
        patient_id=PATIENT_B,
    )
    assert response.status_code == 404


def test_audit_needs_a_token(audited: Flask) -> None:
    assert audited.test_client().get("/fhir/AuditEvent").status_code == 401


def test_token_without_audit_scope_is_403(audited: Flask) -> None:
    response = _get(audited, "/fhir/AuditEvent", "user/Patient.rs", kind="user")
    assert response.status_code == 403


def test_reading_the_audit_log_is_itself_audited(audited: Flask) -> None:
    _get(audited, "/fhir/AuditEvent", "user/AuditEvent.rs", kind="user")
    bundle = _get(audited, "/fhir/AuditEvent", "user/AuditEvent.rs", kind="user").get_json()
    newest = bundle["entry"][0]["resource"]
    assert newest["subtype"][0]["code"] == "search-type"
    assert newest["agent"][0]["who"]["identifier"]["value"] == "conf-app"
    assert len(_fixture_events(bundle)) == 3


def test_member_history_page_lists_own_events_only(audited: Flask) -> None:
    client = audited.test_client()
    login(client, "alice")
    page = client.get("/auth/history")
    assert page.status_code == 200
    assert b"read Patient" in page.data
    assert b"search Observation" in page.data
    assert b"Coverage" not in page.data


def test_history_page_needs_a_login(audited: Flask) -> None:
    response = audited.test_client().get("/auth/history")
    assert response.status_code == 302


def test_auditor_login_gets_a_user_token_that_reads_the_log(audited: Flask) -> None:
    from tests.integration.auth.conftest import full_launch

    body = full_launch(audited.test_client(), "openid fhirUser user/AuditEvent.rs", "audrey")
    assert "patient" not in body
    assert body["scope"] == "openid fhirUser user/AuditEvent.rs"
    response = audited.test_client().get(
        "/fhir/AuditEvent", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert response.status_code == 200, response.data
    assert len(_fixture_events(response.get_json())) == 3


def test_member_login_cannot_get_user_scopes(audited: Flask) -> None:
    from tests.integration.auth.conftest import full_launch

    body = full_launch(audited.test_client(), "launch/patient user/AuditEvent.rs patient/*.rs")
    assert body["scope"] == "launch/patient patient/*.rs"
