"""Bearer token -> AccessContext on FHIR URLs: every refusal has a negative test."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from auth import tables
from auth.clients import mint_token
from auth.context import TypeGrant
from auth.models import digest
from auth.tokens import verify
from tests.integration.auth.conftest import PATIENT_A, PATIENT_B, full_launch, login

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"
FHIR_JSON = {"Content-Type": "application/fhir+json"}
LAB = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"


def _mint(app: Flask, scope: str, **kwargs: Any) -> str:
    kwargs.setdefault("audience", BASE)
    with app.extensions["gateway"].engine.begin() as conn:
        return mint_token(conn, "public-app", scope, **kwargs)


def _get(app: Flask, url: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().get(url, headers=headers)


@pytest.fixture
def stored(auth_app: Flask, fhir: FlaskClient) -> Flask:
    """Two patients and an observation of patient A, written with the system token."""
    for pid in (PATIENT_A, PATIENT_B):
        body = {"resourceType": "Patient", "id": pid, "name": [{"family": "Doe"}]}
        assert fhir.put(f"/fhir/Patient/{pid}", json=body, headers=FHIR_JSON).status_code in (
            200,
            201,
        )
    obs = {
        "resourceType": "Observation",
        "id": "obs-vital",
        "status": "final",
        "category": [{"coding": [{"system": LAB.split("|")[0], "code": "vital-signs"}]}],
        "code": {"text": "pulse"},
        "subject": {"reference": f"Patient/{PATIENT_A}"},
    }
    assert fhir.put("/fhir/Observation/obs-vital", json=obs, headers=FHIR_JSON).status_code in (
        200,
        201,
    )
    return auth_app


def _assert_401(response: Any, error: str = "invalid_token") -> None:
    assert response.status_code == 401
    assert response.get_json()["resourceType"] == "OperationOutcome"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert f'error="{error}"' in response.headers["WWW-Authenticate"]


def test_anonymous_member_data_is_401(auth_app: Flask) -> None:
    response = _get(auth_app, f"/fhir/Patient/{PATIENT_A}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_directory_read_is_allowed(auth_app: Flask) -> None:
    assert _get(auth_app, "/fhir/Practitioner/nobody").status_code == 404


def test_bad_token_on_the_directory_is_401(auth_app: Flask) -> None:
    _assert_401(_get(auth_app, "/fhir/Practitioner/nobody", "not-a-token"))


def test_non_bearer_scheme_is_401(auth_app: Flask) -> None:
    response = auth_app.test_client().get(
        "/fhir/Practitioner/nobody", headers={"Authorization": "Basic eDp5"}
    )
    _assert_401(response, "invalid_request")


def test_expired_token_is_401(auth_app: Flask) -> None:
    token = _mint(auth_app, "patient/*.rs", kind="patient", patient_id=PATIENT_A, ttl=-10)
    _assert_401(_get(auth_app, f"/fhir/Patient/{PATIENT_A}", token))


def test_revoked_token_is_401(auth_app: Flask) -> None:
    token = _mint(auth_app, "patient/*.rs", kind="patient", patient_id=PATIENT_A)
    with auth_app.extensions["gateway"].engine.begin() as conn:
        conn.execute(update(tables.token).values(revoked=True))
    _assert_401(_get(auth_app, f"/fhir/Patient/{PATIENT_A}", token))


def test_wrong_audience_token_is_401(auth_app: Flask) -> None:
    token = _mint(
        auth_app, "patient/*.rs", kind="patient", patient_id=PATIENT_A, audience="https://x/fhir"
    )
    _assert_401(_get(auth_app, f"/fhir/Patient/{PATIENT_A}", token))


def test_wrong_scope_is_403(auth_app: Flask) -> None:
    token = _mint(auth_app, "patient/Coverage.rs", kind="patient", patient_id=PATIENT_A)
    response = _get(auth_app, f"/fhir/Patient/{PATIENT_A}", token)
    assert response.status_code == 403
    assert response.get_json()["resourceType"] == "OperationOutcome"
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_read_only_scope_cannot_write(stored: Flask) -> None:
    token = _mint(stored, "patient/*.rs", kind="patient", patient_id=PATIENT_A)
    body = {"resourceType": "Patient", "id": PATIENT_A, "name": [{"family": "X"}]}
    response = stored.test_client().put(
        f"/fhir/Patient/{PATIENT_A}",
        json=body,
        headers={**FHIR_JSON, "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_patient_token_reads_own_patient(stored: Flask) -> None:
    token = full_launch(stored.test_client(), "launch/patient patient/*.rs")["access_token"]
    assert _get(stored, f"/fhir/Patient/{PATIENT_A}", token).status_code == 200


def test_patient_token_cannot_read_another_patient(stored: Flask) -> None:
    token = full_launch(stored.test_client(), "launch/patient patient/*.rs")["access_token"]
    assert _get(stored, f"/fhir/Patient/{PATIENT_B}", token).status_code == 404


def test_read_outside_a_granular_scope_is_refused(stored: Flask) -> None:
    token = _mint(
        stored, f"patient/Observation.rs?category={LAB}", kind="patient", patient_id=PATIENT_A
    )
    response = _get(stored, "/fhir/Observation/obs-vital", token)
    assert 400 <= response.status_code < 500


def test_revoking_the_app_on_the_apps_page_ends_access_at_once(stored: Flask) -> None:
    client = stored.test_client()
    token = full_launch(client, "launch/patient patient/*.rs")["access_token"]
    assert _get(stored, f"/fhir/Patient/{PATIENT_A}", token).status_code == 200
    page = client.get("/auth/apps")
    grant_id = page.data.split(b"/auth/apps/")[1].split(b"/revoke")[0].decode()
    csrf = page.data.split(b'name="csrf" value="')[1].split(b'"')[0].decode()
    assert client.post(f"/auth/apps/{grant_id}/revoke", data={"csrf": csrf}).status_code == 303
    _assert_401(_get(stored, f"/fhir/Patient/{PATIENT_A}", token))


def test_access_context_carries_the_token_facts(auth_app: Flask) -> None:
    client = auth_app.test_client()
    body = full_launch(client, "launch/patient fhirUser openid patient/Observation.rs")
    with auth_app.extensions["gateway"].engine.connect() as conn:
        ctx = verify(conn, f"Bearer {body['access_token']}", BASE)
    assert ctx.kind == "patient"
    assert ctx.patient_id == PATIENT_A
    assert ctx.client_id == "public-app"
    assert ctx.fhir_user == f"Patient/{PATIENT_A}"
    assert ctx.grants == {"Observation": TypeGrant(frozenset("rs"))}
    assert ctx.all_types is None
    assert ctx.token_hash == digest(body["access_token"])
    assert body["access_token"] not in repr(ctx)


def test_system_token_is_system_kind_without_patient(auth_app: Flask) -> None:
    token = _mint(auth_app, "system/*.rs", patient_id=None)
    with auth_app.extensions["gateway"].engine.connect() as conn:
        ctx = verify(conn, f"Bearer {token}", BASE)
    assert (ctx.kind, ctx.patient_id) == ("system", None)
    assert ctx.all_types == TypeGrant(frozenset("rs"))


def test_representative_token_is_limited_to_the_chosen_patient(stored: Flask) -> None:
    client = stored.test_client()
    login(client, "carol")
    body = full_launch(
        client, "launch/patient patient/*.rs", username="carol", form={"patient": PATIENT_B}
    )
    assert _get(stored, f"/fhir/Patient/{PATIENT_B}", body["access_token"]).status_code == 200
    assert _get(stored, f"/fhir/Patient/{PATIENT_A}", body["access_token"]).status_code == 404


def test_read_inside_a_granular_scope_is_allowed(stored: Flask, fhir: FlaskClient) -> None:
    lab = {
        "resourceType": "Observation",
        "id": "obs-lab",
        "status": "final",
        "category": [{"coding": [{"system": LAB.split("|")[0], "code": "laboratory"}]}],
        "code": {"text": "glucose"},
        "subject": {"reference": f"Patient/{PATIENT_A}"},
    }
    assert fhir.put("/fhir/Observation/obs-lab", json=lab, headers=FHIR_JSON).status_code == 201
    token = _mint(
        stored, f"patient/Observation.rs?category={LAB}", kind="patient", patient_id=PATIENT_A
    )
    assert _get(stored, "/fhir/Observation/obs-lab", token).status_code == 200
