"""The CapabilityStatement states what is really implemented."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.integration


@pytest.fixture
def capability(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/fhir/metadata")  # no token: metadata is public
    assert response.status_code == 200
    return dict(response.get_json())


def _resource(capability: dict[str, Any], rtype: str) -> dict[str, Any]:
    return next(r for r in capability["rest"][0]["resource"] if r["type"] == rtype)


def test_metadata_states_r4(capability: dict[str, Any]) -> None:
    assert capability["resourceType"] == "CapabilityStatement"
    assert capability["fhirVersion"] == "4.0.1"
    assert "application/fhir+json" in capability["format"]


def test_metadata_instantiates_the_served_igs(capability: dict[str, Any]) -> None:
    urls = capability["instantiates"]
    assert "http://hl7.org/fhir/us/carin-bb/CapabilityStatement/c4bb" in urls
    assert "http://hl7.org/fhir/us/davinci-pdex-plan-net/CapabilityStatement/plan-net" in urls
    assert "http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server|6.1.0" in urls


def test_metadata_lists_profiles_and_interactions(capability: dict[str, Any]) -> None:
    eob = _resource(capability, "ExplanationOfBenefit")
    assert (
        "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit"
        in eob["supportedProfile"]
    )
    codes = {i["code"] for i in eob["interaction"]}
    assert {"read", "vread", "search-type", "history-instance", "create", "update"} <= codes
    practitioner = _resource(capability, "Practitioner")
    assert (
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-Practitioner"
        in practitioner["supportedProfile"]
    )


def test_metadata_lists_search_parameters_from_the_registry(capability: dict[str, Any]) -> None:
    eob = _resource(capability, "ExplanationOfBenefit")
    names = {p["name"] for p in eob["searchParam"]}
    assert {"patient", "service-date", "identifier", "type", "_lastUpdated"} <= names
    assert "ExplanationOfBenefit:patient" in eob["searchInclude"]


def test_metadata_documents_limits(capability: dict[str, Any]) -> None:
    documentation = capability["rest"][0]["documentation"]
    assert "at most 200 resources a page" in documentation
    assert "OperationOutcome" in documentation


def test_metadata_is_valid_fhir(capability: dict[str, Any]) -> None:
    from gateway.fhir import structure_issues

    assert structure_issues(capability) == []


def test_metadata_advertises_smart_endpoints(capability: dict[str, Any]) -> None:
    security = capability["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    uris = {e["url"]: e["valueUri"] for e in security["extension"][0]["extension"]}
    assert uris["token"] == "http://localhost/auth/token"
    assert uris["authorize"] == "http://localhost/auth/authorize"
