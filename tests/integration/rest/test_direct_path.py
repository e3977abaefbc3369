"""The direct path (gateway/api/direct_path.py) answers exactly as the Flask views do.

Every scenario is sent twice: through the app (where the direct path takes plain reads) and
straight to the Flask app behind it. Status, headers (but the correlation id's value) and body
must be identical, and the audit trail must record the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import Client, TestResponse

from auth.clients import mint_token
from gateway.api.direct_path import DirectPath
from gateway.audit.log import events
from gateway.store.repository import Repository

pytestmark = pytest.mark.integration
BASE = "http://localhost/fhir"


@pytest.fixture
def stored(app: Flask) -> dict[str, str]:
    """Two member Patients with Coverages, and directory Practitioners."""
    with app.extensions["gateway"].engine.begin() as conn:
        repo = Repository(conn)
        a = repo.create("Patient", {"resourceType": "Patient", "gender": "female"}).id
        b = repo.create("Patient", {"resourceType": "Patient", "gender": "male"}).id
        for owner, plans in ((a, 3), (b, 1)):
            for n in range(plans):
                repo.create("Coverage", _coverage(owner, n))
        doc = repo.create("Practitioner", _practitioner("Smith", "Jo")).id
        repo.create("Practitioner", _practitioner("Smïth", "Al"))
        repo.create("Practitioner", _practitioner("Jones", "J Smith"))
        gone = repo.create("Practitioner", {"resourceType": "Practitioner"}).id
        repo.delete("Practitioner", gone)
    return {"a": a, "b": b, "doc": doc, "gone": gone}


def _coverage(patient_id: str, n: int) -> dict[str, Any]:
    return {
        "resourceType": "Coverage",
        "status": "active",
        "beneficiary": {"reference": f"Patient/{patient_id}"},
        "payor": [{"display": "Plan"}],
        "identifier": [{"system": "urn:plan", "value": f"C{n}"}],
    }


def _practitioner(family: str, given: str) -> dict[str, Any]:
    return {"resourceType": "Practitioner", "name": [{"family": family, "given": [given]}]}


@pytest.fixture
def direct(app: Flask) -> Iterator[dict[str, int]]:
    """Counts the requests that reached the Flask app behind the direct path."""
    middleware: DirectPath = app.extensions["direct_path"]
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
    middleware: DirectPath = app.extensions["direct_path"]
    through_app = Client(app).get(path, headers=headers)
    flask_only = Client(middleware.flask_app).get(path, headers=headers)
    return through_app, flask_only


def _same(one: TestResponse, other: TestResponse) -> None:
    assert one.status == other.status
    assert _comparable(one) == _comparable(other)
    headers = [(k, v) for k, v in one.headers.items() if k != "X-Request-Id"]
    assert headers == [(k, v) for k, v in other.headers.items() if k != "X-Request-Id"]
    assert len(one.headers["X-Request-Id"]) == len(other.headers["X-Request-Id"]) == 32


def _comparable(response: TestResponse) -> Any:
    """The body, but for a searchset's own id and lastUpdated (new for every Bundle)."""
    body = response.get_data()
    if not body.startswith(b'{"resourceType":"Bundle"'):
        return body
    bundle = json.loads(body)
    assert bundle.pop("id")
    assert bundle.pop("meta")["lastUpdated"]
    return bundle


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
        # Type-level searches.
        (f"/fhir/Coverage?beneficiary=Patient/{ids['a']}", {"Authorization": system}, 200),
        (f"/fhir/Coverage?patient={ids['a']}", {"Authorization": member}, 200),
        ("/fhir/Coverage", {"Authorization": member}, 200),
        ("/fhir/Coverage?_count=1&identifier=urn:plan|C0", {"Authorization": system}, 200),
        (
            f"/fhir/Coverage?patient={ids['a']}&_include=Coverage:beneficiary",
            {"Authorization": member},
            200,
        ),
        ("/fhir/Practitioner?name=smi", {}, 200),
        ("/fhir/Practitioner?name=Sm%C3%AFth&_sort=-_id", {}, 200),
        ("/fhir/Practitioner?given=J+Smith", {}, 200),
        ("/fhir/Practitioner?family=smith&_id=x&family=Sm%C3%AFth&_count=5", {}, 200),
        ("/fhir/Practitioner?name=%ZZ%C3", {}, 200),
        ("/fhir/Practitioner?bogus=1&name=jones", {}, 200),
        ("/fhir/Practitioner?bogus=1", {"Prefer": "handling=strict"}, 400),
        ("/fhir/Practitioner?_count=abc", {}, 400),
        ("/fhir/Practitioner?_format=json&name=smith", {}, 200),
        (f"/fhir/Coverage?patient={ids['b']}", {"Authorization": member}, 403),
        ("/fhir/Coverage", {}, 401),
        ("/fhir/Bogus?name=x", {}, 404),
    ]


def test_both_paths_answer_the_same(app: Flask, stored: dict[str, str]) -> None:
    for path, headers, status in _scenarios(app, stored):
        through_app, flask_only = _both(app, path, headers)
        assert through_app.status_code == status, (path, headers)
        _same(through_app, flask_only)


def test_plain_reads_and_searches_skip_flask_and_the_rest_reach_it(
    app: Flask, stored: dict[str, str], direct: dict[str, int]
) -> None:
    client = app.test_client()
    system = {"Authorization": _token(app, "system/*.rs")}

    def status(path: str, headers: dict[str, str] | None = None) -> int:
        return client.get(path, headers=headers or {}).status_code

    for _ in range(3):
        assert status(f"/fhir/Patient/{stored['a']}", system) == 200
        assert status(f"/fhir/Practitioner/{stored['doc']}") == 200
        assert status(f"/fhir/Coverage?patient={stored['a']}", system) == 200
        assert status("/fhir/Practitioner?name=smith") == 200
    assert direct["flask"] == 0
    assert status(f"/fhir/Practitioner/{stored['doc']}?_format=json") == 200
    assert status(f"/fhir/Patient/{stored['b']}", {"Authorization": "Bearer x"}) == 401
    assert status("/fhir/Practitioner?_count=abc") == 400
    assert status("/fhir?_type=Practitioner") == 200
    assert status(f"/fhir/Practitioner/{stored['doc']}/_history") == 200
    auditor = {"Authorization": _token(app, "user/AuditEvent.rs", kind="user")}
    assert status("/fhir/AuditEvent", auditor) == 200  # a type with Flask routes of its own
    assert direct["flask"] == 6


def test_direct_reads_and_searches_are_audited_like_flask_ones(
    app: Flask, stored: dict[str, str]
) -> None:
    member = _token(app, "patient/*.rs", kind="patient", patient_id=stored["a"])
    for path, headers in (
        (f"/fhir/Patient/{stored['a']}", {"Authorization": member}),
        (f"/fhir/Patient/{stored['b']}", {"Authorization": member}),  # refused
        (f"/fhir/Coverage?patient={stored['a']}", {"Authorization": member}),
        (f"/fhir/Practitioner/{stored['doc']}", {}),  # directory data: not audited
        ("/fhir/Practitioner?name=smith", {}),
    ):
        _both(app, path, headers)
    app.extensions["audit_buffer"].flush()
    with app.extensions["gateway"].engine.connect() as conn:
        rows = [(r["action"], r["outcome"], r["resource_ids"]) for r in events(conn, None)]
    own, other = f"Patient/{stored['a']}", f"Patient/{stored['b']}"
    searches = [ids for action, _, ids in rows if action == "search-type"]
    assert len(searches) == 2
    assert searches[0] == searches[1]
    found = searches[0].split()
    assert len(found) == 3  # the member's three Coverages, nothing of b's
    assert all(ref.startswith("Coverage/") for ref in found)
    reads = sorted(row for row in rows if row[0] == "read")
    assert reads == sorted(2 * [("read", "success", own)] + 2 * [("read", "refused", other)])


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
    middleware: DirectPath = app.extensions["direct_path"]
    middleware._connection().connection.dbapi_connection.close()  # type: ignore[union-attr]
    assert client.get(path).status_code == 200  # answered by Flask on its own connection
    assert direct["flask"] == 1
    assert client.get(path).status_code == 200  # the direct path has a new connection
    assert direct["flask"] == 1


def test_token_and_resource_come_back_in_one_statement(app: Flask, stored: dict[str, str]) -> None:
    from auth.tokens import token_hash_of
    from gateway.store.authorized_read import token_and_resource

    token = _token(app, "system/*.rs")
    with app.extensions["gateway"].engine.connect() as conn:
        row, found = token_and_resource(conn, token_hash_of(token), "Patient", stored["a"])
        assert row is not None
        assert row[0] == "direct-test"  # client_id, the first token column
        assert found is not None
        assert (found.resource_type, found.id, found.version_id) == ("Patient", stored["a"], 1)
        row, found = token_and_resource(conn, token_hash_of(token), "Patient", "unknown")
        assert row is not None
        assert found is None
        assert token_and_resource(conn, token_hash_of("Bearer nope"), "Patient", stored["a"]) == (
            None,
            None,
        )
