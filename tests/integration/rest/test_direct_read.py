"""The direct read path (gateway/api/direct_read.py) answers exactly as the Flask view does.

Every scenario is sent twice: through the app (where the direct path takes plain reads) and
straight to the Flask app behind it. Status, headers (but the correlation id's value) and body
must be identical, and the audit trail must record the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import Client, TestResponse

from auth.clients import mint_token
from gateway.api.direct_read import DirectRead
from gateway.audit.log import events
from gateway.store.repository import Repository

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"


@pytest.fixture
def stored(app: Flask) -> dict[str, str]:
    """Two member Patients and a directory Practitioner."""
    with app.extensions["gateway"].engine.begin() as conn:
        repo = Repository(conn)
        a = repo.create("Patient", {"resourceType": "Patient", "gender": "female"}).id
        b = repo.create("Patient", {"resourceType": "Patient", "gender": "male"}).id
        doc = repo.create("Practitioner", {"resourceType": "Practitioner"}).id
        gone = repo.create("Practitioner", {"resourceType": "Practitioner"}).id
        repo.delete("Practitioner", gone)
    return {"a": a, "b": b, "doc": doc, "gone": gone}


@pytest.fixture
def direct(app: Flask) -> Iterator[dict[str, int]]:
    """Counts the requests that reached the Flask app behind the direct path."""
    middleware: DirectRead = app.extensions["direct_read"]
    behind = middleware.flask_app
    calls = {"flask": 0}

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        calls["flask"] += 1
        return behind(environ, start_response)

    middleware.flask_app = counting
    yield calls
    middleware.flask_app = behind


def _token(app: Flask, scope: str, **kwargs: Any) -> str:
    with app.extensions["gateway"].engine.begin() as conn:
        return f"Bearer {mint_token(conn, 'direct-test', scope, BASE, **kwargs)}"


def _both(app: Flask, path: str, headers: dict[str, str]) -> tuple[TestResponse, TestResponse]:
    middleware: DirectRead = app.extensions["direct_read"]
    through_app = Client(app).get(path, headers=headers)
    flask_only = Client(middleware.flask_app).get(path, headers=headers)
    return through_app, flask_only


def _same(one: TestResponse, other: TestResponse) -> None:
    assert one.status == other.status
    assert one.get_data() == other.get_data()
    headers = [(k, v) for k, v in one.headers.items() if k != "X-Request-Id"]
    assert headers == [(k, v) for k, v in other.headers.items() if k != "X-Request-Id"]
    assert len(one.headers["X-Request-Id"]) == len(other.headers["X-Request-Id"]) == 32


def _scenarios(app: Flask, ids: dict[str, str]) -> list[tuple[str, dict[str, str], int]]:
    member = _token(app, "patient/*.rs", kind="patient", patient_id=ids["a"])
    system = _token(app, "system/*.rs")
    no_patient_scope = _token(app, "system/Practitioner.rs")
    return [
        (f"/fhir/Patient/{ids['a']}", {"Authorization": system}, 200),
        (f"/fhir/Patient/{ids['a']}", {"Authorization": member}, 200),
        (f"/fhir/Patient/{ids['a']}", {"Authorization": member, "Accept": "application/json"}, 200),
        (f"/fhir/Practitioner/{ids['doc']}", {}, 200),
        (f"/fhir/Practitioner/{ids['doc']}", {"Origin": "https://app.example"}, 200),
        (f"/fhir/Practitioner/{ids['doc']}", {"If-None-Match": 'W/"1"'}, 304),
        (f"/fhir/Practitioner/{ids['doc']}", {"If-None-Match": 'W/"7"'}, 200),
        # Refusals and errors: the direct path lets Flask answer them.
        (f"/fhir/Patient/{ids['b']}", {"Authorization": member}, 404),
        (f"/fhir/Patient/{ids['a']}", {}, 401),
        (f"/fhir/Patient/{ids['a']}", {"Authorization": "Bearer not-a-token"}, 401),
        (f"/fhir/Patient/{ids['a']}", {"Authorization": no_patient_scope}, 403),
        (f"/fhir/Practitioner/{ids['gone']}", {}, 410),
        ("/fhir/Practitioner/unknown", {}, 404),
        ("/fhir/Bogus/1", {}, 404),
        (f"/fhir/Practitioner/{ids['doc']}", {"Accept": "application/fhir+xml"}, 406),
        (f"/fhir/Practitioner/{ids['doc']}?_format=json", {}, 200),
    ]


def test_both_paths_answer_the_same(app: Flask, stored: dict[str, str]) -> None:
    for path, headers, status in _scenarios(app, stored):
        through_app, flask_only = _both(app, path, headers)
        assert through_app.status_code == status, (path, headers)
        _same(through_app, flask_only)


def test_plain_reads_skip_flask_and_the_rest_reach_it(
    app: Flask, stored: dict[str, str], direct: dict[str, int]
) -> None:
    client = app.test_client()
    system = _token(app, "system/*.rs")
    for _ in range(3):
        assert (
            client.get(
                f"/fhir/Patient/{stored['a']}", headers={"Authorization": system}
            ).status_code
            == 200
        )
        assert client.get(f"/fhir/Practitioner/{stored['doc']}").status_code == 200
    assert direct["flask"] == 0
    assert client.get(f"/fhir/Practitioner/{stored['doc']}?_format=json").status_code == 200
    assert (
        client.get(
            f"/fhir/Patient/{stored['b']}", headers={"Authorization": "Bearer x"}
        ).status_code
        == 401
    )
    assert client.get("/fhir/Practitioner").status_code == 200
    assert direct["flask"] == 3


def test_direct_reads_are_audited_like_flask_reads(app: Flask, stored: dict[str, str]) -> None:
    member = _token(app, "patient/*.rs", kind="patient", patient_id=stored["a"])
    for path, headers in (
        (f"/fhir/Patient/{stored['a']}", {"Authorization": member}),
        (f"/fhir/Patient/{stored['b']}", {"Authorization": member}),  # refused
        (f"/fhir/Practitioner/{stored['doc']}", {}),  # directory data: not audited
    ):
        _both(app, path, headers)
    app.extensions["audit_buffer"].flush()
    with app.extensions["gateway"].engine.connect() as conn:
        rows = [(r["action"], r["outcome"], r["resource_ids"]) for r in events(conn, None)]
    own, other = f"Patient/{stored['a']}", f"Patient/{stored['b']}"
    assert sorted(rows) == sorted(2 * [("read", "success", own)] + 2 * [("read", "refused", other)])


def test_a_member_never_reads_another_member_directly(
    app: Flask, stored: dict[str, str], direct: dict[str, int]
) -> None:
    member = _token(app, "patient/*.rs", kind="patient", patient_id=stored["a"])
    response = app.test_client().get(
        f"/fhir/Patient/{stored['b']}", headers={"Authorization": member}
    )
    assert response.status_code == 404
    assert b"male" not in response.get_data()
    assert direct["flask"] == 1  # the refusal was Flask's to answer


def test_a_revoked_token_stops_reading_at_once(app: Flask, stored: dict[str, str]) -> None:
    from auth import records

    token = _token(app, "system/*.rs")
    client = app.test_client()
    path = f"/fhir/Patient/{stored['a']}"
    assert client.get(path, headers={"Authorization": token}).status_code == 200
    with app.extensions["gateway"].engine.begin() as conn:
        stored_token = records.find_token(conn, token.removeprefix("Bearer "))
        assert stored_token is not None
        records.revoke_token(conn, stored_token.token_id)
    assert client.get(path, headers={"Authorization": token}).status_code == 401


def test_a_broken_connection_falls_back_and_reconnects(
    app: Flask, stored: dict[str, str], direct: dict[str, int]
) -> None:
    client = app.test_client()
    path = f"/fhir/Practitioner/{stored['doc']}"
    assert client.get(path).status_code == 200
    middleware: DirectRead = app.extensions["direct_read"]
    middleware._connection().connection.dbapi_connection.close()  # type: ignore[union-attr]
    assert client.get(path).status_code == 200  # answered by Flask on its own connection
    assert direct["flask"] == 1
    assert client.get(path).status_code == 200  # the direct path has a new connection
    assert direct["flask"] == 1
