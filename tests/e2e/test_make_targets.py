"""The set-up and benchmark tooling: make targets, the test cluster script, gunicorn, the bench."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench.baseline_app import create_app as create_baseline
from bench.dataset import Sizes, load, resources
from gateway.store.engine import make_engine
from gateway.store.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT.parent / "shared" / "tools" / "fhir-validate" / "validate"
pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _dry_run(target: str) -> str:
    return subprocess.run(
        ["make", "-n", target], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def test_ci_run_is_exactly_make_test() -> None:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert [line for line in lines if "make" in line] == ["make test"]


def test_make_run_migrates_loads_demo_if_empty_and_serves_wsgi_app() -> None:
    steps = _dry_run("run")
    migrate = steps.index("gateway migrate")
    demo = steps.index("gateway demo load --if-empty")
    serve = steps.index("gunicorn --config gunicorn.conf.py wsgi:app")
    assert migrate < demo < serve


def test_make_test_lints_type_checks_then_runs_pytest_against_a_cluster() -> None:
    steps = _dry_run("test")
    order = [
        "scripts/system-packages.sh postgresql wrk chromium chromium-driver",
        "ruff check",
        "ruff format --check",
        "mypy gateway mappings auth config",
        "lint-imports",
        "scripts/run-tests.sh",
    ]
    positions = [steps.index(step) for step in order]
    assert positions == sorted(positions)


@pytest.mark.postgres
def test_pg_cluster_script_starts_a_reachable_cluster_and_stops_it() -> None:
    script = str(ROOT / "scripts" / "pg-cluster.sh")
    cluster = Path(tempfile.mkdtemp(prefix="gateway-pg-test."))  # the postgres user can reach it
    url = subprocess.run(
        [script, "start", str(cluster)], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        subprocess.run([script, "stop", str(cluster)], check=True)
        shutil.rmtree(cluster, ignore_errors=True)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(conninfo, connect_timeout=2)
    subprocess.run([script, "stop", str(cluster)], check=True)  # stopping twice is fine


@pytest.mark.postgres
def test_run_tests_script_fails_when_no_test_is_collected(tmp_path: Path) -> None:
    empty = tmp_path / "test_nothing.py"
    empty.write_text('"""No tests here."""\n')
    done = subprocess.run(
        [str(ROOT / "scripts" / "run-tests.sh"), str(empty), "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTEST_ADDOPTS": "-p no:cacheprovider"},
    )
    assert done.returncode == 5
    assert "collected no tests: that is a failure" in done.stderr


@pytest.fixture
def gunicorn_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The gateway under gunicorn with gunicorn.conf.py on a migrated SQLite file."""
    port, log = _free_port(), tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    gateway = str(Path(sys.executable).with_name("gateway"))
    subprocess.run([gateway, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env, stdout=out,
            stderr=out,
        )  # fmt: skip
        try:
            yield f"http://127.0.0.1:{port}", log
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _get(url: str, deadline: float = 30.0) -> tuple[int, bytes]:
    stop = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return int(response.status), response.read()
        except OSError:
            if time.monotonic() > stop:
                raise
            time.sleep(0.2)


def test_gunicorn_config_serves_probes_and_logs_no_query_string(
    gunicorn_server: tuple[str, Path],
) -> None:
    base, log = gunicorn_server
    assert _get(f"{base}/health?member=M123456789") == (200, b'{"status":"up"}\n')
    status, body = _get(f"{base}/ready")
    assert status == 200
    assert json.loads(body)["database"] == "reachable"
    time.sleep(0.3)  # let the access log line reach the file
    text = log.read_text()
    assert '"GET /health" 200' in text
    assert "M123456789" not in text


def test_bench_dataset_eobs_are_about_3_kb_with_unique_ids() -> None:
    items = list(resources(Sizes(patients=5, eobs=40)))
    eobs = [body for rtype, body in items if rtype == "ExplanationOfBenefit"]
    sizes = [len(json.dumps(body, separators=(",", ":"))) for body in eobs]
    assert len(eobs) == 40
    assert 2500 <= sum(sizes) / len(sizes) <= 3500
    assert len({(rtype, body["id"]) for rtype, body in items}) == len(items)


@pytest.mark.skipif(shutil.which("node") is None, reason="the validator needs node")
def test_bench_dataset_is_valid_r4(tmp_path: Path) -> None:
    if not VALIDATOR.exists():
        pytest.skip("shared/tools/fhir-validate is not beside the clone")
    sample = tmp_path / "sample.ndjson"
    sample.write_text(
        "".join(json.dumps(body) + "\n" for _, body in resources(Sizes(patients=2, eobs=3)))
    )
    done = subprocess.run([str(VALIDATOR), str(sample)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.integration
def test_bench_baseline_serves_the_bytes_the_gateway_stores(database_url: str) -> None:
    engine = make_engine(database_url)
    paths = load(engine, Sizes(patients=2, eobs=3, batch=4))
    app = create_baseline(database_url)
    baseline = app.test_client()
    with engine.connect() as conn:
        for path in (paths[0], paths[-1]):
            rtype, rid = path.split("/")
            stored = Repository(conn).read(rtype, rid)
            assert stored is not None
            response = baseline.get(f"/fhir/{path}")
            assert response.status_code == 200
            assert response.data == stored.body
    assert baseline.get(f"/fhir/Patient/{'0' * 36}").status_code == 404
    # The search route: the patient's EOBs, as stored, in one Bundle (what the gateway finds).
    patient = next(p.split("/")[1] for p in paths if p.startswith("Patient/"))
    bundle = baseline.get(f"/fhir/ExplanationOfBenefit?patient={patient}").get_json()
    with engine.connect() as conn:
        repo = Repository(conn)
        eobs = [repo.read(*p.split("/")) for p in paths if p.startswith("ExplanationOfBenefit/")]
    bodies = [orjson.loads(e.body) for e in eobs if e is not None]
    expected = {b["id"]: b for b in bodies if b["patient"]["reference"].endswith(f"/{patient}")}
    assert expected
    assert {e["resource"]["id"]: e["resource"] for e in bundle["entry"]} == expected
    app.extensions["bench_store"].close()
    engine.dispose()
