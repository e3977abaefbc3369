"""A real standalone launch in headless Chromium with the official SMART JS client (fhirclient).

The gateway runs under gunicorn on a free loopback port; the test app (tests/e2e/smart-app) is
served from another port, so discovery, the token request and the FHIR reads are cross-origin
exactly as for a deployed browser app. The member logs in, approves, and the app reads the
member's Patient and ExplanationOfBenefit.
"""

from __future__ import annotations

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

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
APP_DIR = Path(__file__).resolve().parent / "smart-app"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PATIENT, EOB = "pat-e2e", "eob-e2e"
USERNAME, PASSWORD = "e2e-member", "e2e password 123"


def _require_tools() -> None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("chromium and chromedriver are not installed")
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed")
    if not (APP_DIR / "node_modules" / "fhirclient").exists():
        # The same install as `make smart-app` (see the Makefile for --legacy-peer-deps).
        npm_ci = ["npm", "ci", "--no-audit", "--no-fund", "--legacy-peer-deps"]
        subprocess.run(npm_ci, cwd=APP_DIR, check=True)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _seed(database_url: str, base_url: str, app_origin: str) -> None:
    """Migrate, store a Patient and an EOB, register the app and the member login."""
    from auth.clients import mint_token, register_client
    from auth.members import DemoMember, seed_demo_accounts
    from gateway import create_app
    from gateway.store.migrate import upgrade

    app = create_app({"ENV": "test", "DATABASE_URL": database_url, "BASE_URL": base_url})
    engine = app.extensions["gateway"].engine
    upgrade(engine)
    with engine.begin() as conn:
        token = mint_token(conn, "seed", "system/*.cruds", base_url)
        register_client(
            conn,
            "e2e-app",
            "public",
            name="E2E Test App",
            redirect_uris=(f"{app_origin}/index.html",),
        )
    seed_demo_accounts(engine, [DemoMember(USERNAME, PASSWORD, (PATIENT,))])
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    patient = {"resourceType": "Patient", "id": PATIENT, "name": [{"family": "Browser"}]}
    eob = {
        "resourceType": "ExplanationOfBenefit",
        "id": EOB,
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "use": "claim",
        "patient": {"reference": f"Patient/{PATIENT}"},
        "created": "2024-01-01",
        "insurer": {"display": "Plan"},
        "provider": {"display": "Clinic"},
        "outcome": "complete",
        "insurance": [{"focal": True, "coverage": {"display": "Coverage"}}],
    }
    for body in (patient, eob):
        url = f"/fhir/{body['resourceType']}/{body['id']}"
        response = client.put(url, json=body, headers=headers)
        assert response.status_code in (200, 201), response.data
    engine.dispose()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The gateway under gunicorn and the static app server; yields (FHIR base, app origin)."""
    _require_tools()
    gw_port, app_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{gw_port}/fhir"
    app_origin = f"http://127.0.0.1:{app_port}"
    database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    _seed(database_url, base_url, app_origin)
    key = tmp_path / "signing.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    secret = tmp_path / "session.secret"
    secret.write_text(os.urandom(32).hex())
    env = {
        **os.environ,
        "GATEWAY_ENV": "test",
        "GATEWAY_DATABASE_URL": database_url,
        "GATEWAY_BASE_URL": base_url,
        "GATEWAY_AUTH_SIGNING_KEY_FILE": str(key),
        "GATEWAY_AUTH_SESSION_SECRET_FILE": str(secret),
    }
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{gw_port}",
        "wsgi:app",
    ]
    static = [sys.executable, "-m", "http.server", str(app_port), "--bind", "127.0.0.1"]
    procs = [
        subprocess.Popen(gunicorn, cwd=ROOT, env=env, stderr=subprocess.DEVNULL),
        subprocess.Popen(static, cwd=APP_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        _wait(f"{base_url}/metadata")
        _wait(f"{app_origin}/launch.html")
        yield base_url, app_origin
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def _browser(profile: str) -> object:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_standalone_launch_reads_patient_and_eob(servers: tuple[str, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base_url, app_origin = servers
    profile = tempfile.mkdtemp(prefix="chromium-e2e-")
    driver = _browser(profile)
    try:
        driver.get(f"{app_origin}/launch.html?iss={base_url}")  # type: ignore[attr-defined]
        wait = WebDriverWait(driver, 30)
        wait.until(ec.presence_of_element_located((By.ID, "username")))
        driver.find_element(By.ID, "username").send_keys(USERNAME)  # type: ignore[attr-defined]
        driver.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
        driver.find_element(By.ID, "sign-in").click()  # type: ignore[attr-defined]
        wait.until(ec.element_to_be_clickable((By.ID, "allow"))).click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "eob"), "ExplanationOfBenefit/"))
        assert driver.find_element(By.ID, "patient").text == f"Patient/{PATIENT}"  # type: ignore[attr-defined]
        assert driver.find_element(By.ID, "eob").text == f"ExplanationOfBenefit/{EOB}"  # type: ignore[attr-defined]
        assert driver.find_element(By.ID, "error").text == ""  # type: ignore[attr-defined]
    finally:
        driver.quit()  # type: ignore[attr-defined]
        shutil.rmtree(profile, ignore_errors=True)
