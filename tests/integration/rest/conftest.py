"""Helpers for the REST tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def patient(family: str = "Doe", **extra: Any) -> dict[str, Any]:
    """A minimal valid Patient."""
    return {"resourceType": "Patient", "name": [{"family": family}], **extra}


@pytest.fixture
def created(fhir: FlaskClient) -> dict[str, Any]:
    """A Patient created through the API (version 1)."""
    response = fhir.post("/fhir/Patient", json=patient(), headers=FHIR_JSON)
    assert response.status_code == 201
    return dict(response.get_json())
