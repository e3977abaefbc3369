"""A member's token searching for another patient's data is refused with 403."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from auth.clients import mint_token
from gateway.store.repository import Repository

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"


@pytest.fixture
def two_members(app: Flask) -> tuple[Flask, str, str]:
    with app.extensions["gateway"].engine.begin() as conn:
        repo = Repository(conn)
        a = repo.create("Patient", {"resourceType": "Patient", "name": [{"family": "Ames"}]}).id
        b = repo.create("Patient", {"resourceType": "Patient", "name": [{"family": "Bell"}]}).id
        repo.create(
            "Observation",
            {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
             "subject": {"reference": f"Patient/{b}"}},
        )  # fmt: skip
    return app, a, b


def _search(app: Flask, patient: str, url: str) -> Any:
    with app.extensions["gateway"].engine.begin() as conn:
        token = mint_token(conn, "app", "patient/*.rs", BASE, kind="patient", patient_id=patient)
    return app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    "query",
    [
        "Observation?patient={other}",
        "Observation?subject=Patient/{other}",
        "Observation?subject={base}/Patient/{other}",
        "Observation?subject:Patient={other}",
        "Observation?patient={own},{other}",
        "Patient?_id={other}",
    ],
)
def test_search_naming_another_patient_is_403(
    two_members: tuple[Flask, str, str], query: str
) -> None:
    app, own, other = two_members
    response = _search(app, own, "/fhir/" + query.format(own=own, other=other, base=BASE))
    assert response.status_code == 403
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_search_naming_own_patient_is_allowed(two_members: tuple[Flask, str, str]) -> None:
    app, own, _ = two_members
    response = _search(app, own, f"/fhir/Observation?patient={own}")
    assert response.status_code == 200
    assert "entry" not in response.get_json()  # the other member's Observation never shows


def test_search_without_a_patient_returns_only_own_data(
    two_members: tuple[Flask, str, str],
) -> None:
    app, own, _ = two_members
    response = _search(app, own, "/fhir/Observation")
    assert response.status_code == 200
    assert "entry" not in response.get_json()


def _other_observation(app: Flask, other: str) -> str:
    from auth.context import AccessContext
    from gateway.interactions.search import matching_ids

    with app.extensions["gateway"].engine.connect() as conn:
        (found,) = matching_ids(conn, "Observation", [("subject", other)], AccessContext.internal())
    return found


@pytest.mark.parametrize(
    "path",
    [
        "Patient/{other}",
        "Patient/{other}/_history",
        "Patient/{other}/_history/1",
        "Observation/{obs}",
        "Observation/{obs}/_history/1",
    ],
)
def test_member_cannot_read_another_members_data_by_any_read_path(
    two_members: tuple[Flask, str, str], path: str
) -> None:
    app, own, other = two_members
    url = "/fhir/" + path.format(other=other, obs=_other_observation(app, other))
    assert _search(app, own, url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "Observation?subject.name=Bell",
        "Observation?status=final",
        "Patient?_has:Observation:subject:status=final",
        "Patient?name=Bell",
        "Patient?_revinclude=Observation:subject",
        "Observation?_include=Observation:subject",
    ],
)
def test_member_searches_never_return_another_members_data(
    two_members: tuple[Flask, str, str], query: str
) -> None:
    app, own, other = two_members
    response = _search(app, own, "/fhir/" + query)
    assert response.status_code == 200
    returned = {e["resource"]["id"] for e in response.get_json().get("entry", [])}
    assert other not in returned
    assert _other_observation(app, other) not in returned


def test_member_type_history_is_refused(two_members: tuple[Flask, str, str]) -> None:
    app, own, _ = two_members
    assert _search(app, own, "/fhir/Observation/_history").status_code == 403
