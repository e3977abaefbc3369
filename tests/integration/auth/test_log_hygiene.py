"""No tokens, passwords or member identifiers in the logs (STYLE rule 14)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from tests.integration.auth.conftest import PASSWORD, PATIENT_A, full_launch, login

pytestmark = pytest.mark.integration


def test_a_whole_launch_logs_no_secret_or_member_id(
    auth_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = auth_app.test_client()
    login(client, "alice", "a wrong password")
    body = full_launch(client, "launch/patient openid fhirUser offline_access patient/*.rs")
    client.get(f"/fhir/Patient/{PATIENT_A}", headers={"Authorization": "Bearer " + "x" * 40})
    client.get(
        f"/fhir/Patient/{PATIENT_A}", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    client.post(
        "/auth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": "public-app",
        },
    )
    client.post("/auth/introspect", data={"token": body["access_token"]})
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    secrets = [
        body["access_token"],
        body["refresh_token"],
        body["id_token"],
        PASSWORD,
        "a wrong password",
        "x" * 40,
        PATIENT_A,
    ]
    for secret in secrets:
        assert secret not in logged
