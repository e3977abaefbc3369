"""Pulling from an EHR: a tiny Flask EHR on a free loopback port serves canned Synthea data."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, jsonify, request
from sqlalchemy.engine import Engine
from werkzeug.serving import BaseWSGIServer, make_server

from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.pull import PullFailed, bulk_export, bulk_pull, load_pulled, pull_patient
from gateway.jobs import store
from gateway.jobs.runner import run_job
from tests.integration.ehr.conftest import Slice, bodies, count

pytestmark = pytest.mark.integration
TOKEN = "ehr-test-token"


def _ehr_app(slice_: Slice) -> Flask:
    app = Flask("fake-ehr")
    polls = {"n": 0}

    @app.before_request
    def _auth() -> Response | None:
        if (
            request.path.startswith("/fhir")
            and request.headers.get("Authorization") != f"Bearer {TOKEN}"
        ):
            return Response(status=401)
        return None

    @app.get("/fhir/Patient/<pid>")
    def patient(pid: str) -> Any:
        found = [p for p in slice_.lines["Patient"] if p["id"] == pid]
        return jsonify(found[0]) if found else Response(status=404)

    @app.get("/fhir/<rtype>")
    def search(rtype: str) -> Any:
        ref = f"Patient/{request.args['patient']}"
        rows = [
            r
            for r in slice_.lines.get(rtype, [])
            if (r.get("subject") or r.get("patient") or {}).get("reference") == ref
        ]
        page = int(request.args.get("page", 0))
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                {"resource": r, "search": {"mode": "match"}} for r in rows[page * 2 : page * 2 + 2]
            ],
            "link": [],
        }
        if len(rows) > (page + 1) * 2:
            nxt = f"{request.base_url}?patient={request.args['patient']}&page={page + 1}"
            bundle["link"].append({"relation": "next", "url": nxt})
        return jsonify(bundle)

    @app.get("/fhir/Group/g1/$export")
    def kick_off() -> Any:
        assert request.headers["Prefer"] == "respond-async"
        polls["n"] = 0
        return Response(status=202, headers={"Content-Location": f"{request.host_url}status/1"})

    @app.get("/status/1")
    def status() -> Any:
        polls["n"] += 1
        if polls["n"] < 3:
            return Response(status=202, headers={"Retry-After": "2"})
        output = [
            {"type": name, "url": f"{request.host_url}files/{name}"}
            for name in ("Patient", "Practitioner", "Encounter")
        ]
        return jsonify(
            {
                "transactionTime": "2024-08-06T18:12:57Z",
                "requiresAccessToken": True,
                "output": output,
            }
        )

    @app.get("/files/<name>")
    def file(name: str) -> Any:
        text = "".join(json.dumps(r) + "\n" for r in slice_.lines[name])
        return Response(text, content_type="application/fhir+ndjson")

    return app


@pytest.fixture(scope="module")
def fake_ehr(synthea_slice: Slice) -> Iterator[str]:
    """The fake EHR's base URL on a free loopback port."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _ehr_app(synthea_slice), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    server.server_close()


def test_pull_patient_reads_the_patient_and_follows_next_links(
    fake_ehr: str, synthea_slice: Slice
) -> None:
    pid = next(iter(synthea_slice.members))
    pulled = list(pull_patient(f"{fake_ehr}/fhir", lambda: TOKEN, pid, ("Encounter",)))
    assert pulled[0]["resourceType"] == "Patient"
    expected = [
        e["id"]
        for e in synthea_slice.lines["Encounter"]
        if e["subject"]["reference"] == f"Patient/{pid}"
    ]
    assert len(expected) > 2  # more than one page
    assert [r["id"] for r in pulled[1:]] == expected


def test_pulled_patient_data_goes_through_matching_and_provenance(
    engine: Engine, fake_ehr: str, synthea_slice: Slice, seed_members: dict[str, str]
) -> None:
    pid = next(iter(synthea_slice.members))
    resources = pull_patient(f"{fake_ehr}/fhir", lambda: TOKEN, pid, ("Encounter", "Condition"))
    counts = load_pulled(engine, SourceInfo("pulled-ehr"), resources)
    assert counts["patients-matched"] == 1
    assert counts["created"] == count(engine, "Encounter") + count(engine, "Condition")
    assert {e["subject"]["reference"] for e in bodies(engine, "Encounter")} == {
        f"Patient/{seed_members[pid]}"
    }


def test_pull_with_a_bad_token_fails_without_storing(fake_ehr: str) -> None:
    with pytest.raises(PullFailed):
        list(pull_patient(f"{fake_ehr}/fhir", lambda: "wrong", "x"))


def test_bulk_export_polls_with_retry_after_then_imports_the_files(
    engine: Engine,
    fake_ehr: str,
    synthea_slice: Slice,
    seed_members: dict[str, str],
    tmp_path: Path,
) -> None:
    waits: list[float] = []
    files = bulk_export(
        f"{fake_ehr}/fhir/Group/g1/$export", lambda: TOKEN, tmp_path / "a", waits.append
    )
    assert waits == [2.0, 2.0]
    assert [f.name for f in files] == [
        "Patient.000.ndjson",
        "Practitioner.001.ndjson",
        "Encounter.002.ndjson",
    ]
    job_id = bulk_pull(
        engine,
        f"{fake_ehr}/fhir/Group/g1/$export",
        lambda: TOKEN,
        tmp_path / "b",
        SourceInfo("bulk-ehr"),
        waits.append,
    )
    job = run_job(engine, job_id)
    assert job is not None
    assert job.status == store.SUCCEEDED
    assert job.counts["patients-matched"] == 2
    assert count(engine, "Practitioner") == len(synthea_slice.lines["Practitioner"])
