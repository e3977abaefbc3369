"""The error contract (no leaks), health and readiness probes."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from gateway.interactions import dispatch

pytestmark = pytest.mark.integration


def test_unexpected_error_is_generic_500_with_correlation_id(
    fhir: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*_args: Any) -> Any:
        raise RuntimeError("SELECT secret FROM members WHERE ssn='123-45-6789'")

    monkeypatch.setitem(dispatch.TABLE, "read", boom)
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        response = fhir.get("/fhir/Patient/x")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret" not in text
    assert "SELECT" not in text
    assert "Traceback" not in text
    issue = response.get_json()["issue"][0]
    assert issue["code"] == "exception"
    correlation = response.headers["X-Request-Id"]
    assert correlation in issue["diagnostics"]
    assert any(getattr(r, "correlation_id", None) == correlation for r in caplog.records)


def test_unknown_url_is_404_operation_outcome(fhir: FlaskClient) -> None:
    response = fhir.get("/fhir/Patient/1/extra/path/here")
    assert response.status_code == 404
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_health_is_up(client: FlaskClient) -> None:
    assert client.get("/health").get_json() == {"status": "up"}


def test_ready_checks_database(client: FlaskClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.get_json()["database"] == "reachable"


def test_ready_is_503_when_database_unreachable(make_app: Any, tmp_path: Any) -> None:
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert "password" not in response.get_data(as_text=True)
