"""Pulling from an EHR's FHIR API with backend-services credentials, into the same pipeline.

Two ways: per patient (``Patient/<id>`` then US Core searches by ``patient``, following
``next`` links) and Bulk Data ``$export`` (kick-off, poll honouring ``Retry-After``, download
the NDJSON files, then an ``ehr-import`` job). ``token_provider`` returns a bearer token (for
example from SMART Backend Services ``client_credentials`` + ``private_key_jwt``).
https://hl7.org/fhir/uv/bulkdata/STU2/export.html
https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import requests
from sqlalchemy.engine import Engine

from gateway.errors import FhirError
from gateway.ingest.ehr.batch import Item
from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.members import MemberDirectory
from gateway.ingest.ehr.pipeline import Pipeline
from gateway.ingest.ehr.provenance import SourceInfo

TokenProvider = Callable[[], str]
# The US Core types searchable by patient that an EHR pull asks for.
PATIENT_TYPES = (
    "AllergyIntolerance",
    "CarePlan",
    "CareTeam",
    "Condition",
    "Device",
    "DiagnosticReport",
    "DocumentReference",
    "Encounter",
    "Goal",
    "Immunization",
    "MedicationRequest",
    "Observation",
    "Procedure",
)
TIMEOUT = 30
MAX_WAIT = 3600.0


class PullFailed(FhirError):
    """The EHR answered something we cannot use (502)."""

    status = 502
    issue_type = "transient"
    code = "ehr-pull-failed"


def _get(url: str, token: TokenProvider, **headers: str) -> requests.Response:
    auth = {"Authorization": f"Bearer {token()}", "Accept": "application/fhir+json", **headers}
    return requests.get(url, headers=auth, timeout=TIMEOUT)


def _json(response: requests.Response, what: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise PullFailed(f"the EHR answered {response.status_code} to {what}")
    body: dict[str, Any] = response.json()
    return body


def pull_patient(
    base_url: str,
    token_provider: TokenProvider,
    patient_id: str,
    types: tuple[str, ...] = PATIENT_TYPES,
) -> Iterator[dict[str, Any]]:
    """The Patient and every resource found by ``<type>?patient=<id>``, page by page."""
    base = base_url.rstrip("/")
    yield _json(_get(f"{base}/Patient/{patient_id}", token_provider), "the Patient read")
    for rtype in types:
        url: str | None = f"{base}/{rtype}?patient={patient_id}"
        while url:
            page = _json(_get(url, token_provider), f"the {rtype} search")
            for entry in page.get("entry") or []:
                resource = entry.get("resource")
                if isinstance(resource, dict) and entry.get("search", {}).get("mode") != "include":
                    yield resource
            url = next(
                (link["url"] for link in page.get("link") or [] if link.get("relation") == "next"),
                None,
            )


def bulk_export(
    kick_off_url: str,
    token_provider: TokenProvider,
    out_dir: Path,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Path]:
    """Run a Bulk Data export to the end and download its NDJSON files into ``out_dir``."""
    response = _get(kick_off_url, token_provider, Prefer="respond-async")
    if response.status_code != 202 or "Content-Location" not in response.headers:
        raise PullFailed(f"the EHR answered {response.status_code} to the $export kick-off")
    manifest = _poll(response.headers["Content-Location"], token_provider, sleep)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for number, item in enumerate(manifest.get("output") or []):
        path = out_dir / f"{item['type']}.{number:03d}.ndjson"
        _download(str(item["url"]), token_provider, path, manifest.get("requiresAccessToken", True))
        files.append(path)
    return files


def _poll(status_url: str, token: TokenProvider, sleep: Callable[[float], None]) -> dict[str, Any]:
    waited = 0.0
    while waited < MAX_WAIT:
        response = _get(status_url, token)
        if response.status_code != 202:
            return _json(response, "the $export status request")
        delay = _retry_after(response.headers.get("Retry-After"))
        sleep(delay)
        waited += max(delay, 1.0)
    raise PullFailed("the $export did not finish in time")


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 5), 0.0), 120.0)
    except ValueError:
        return 5.0


def _download(url: str, token: TokenProvider, path: Path, with_token: bool) -> None:
    headers = {"Accept": "application/fhir+ndjson"}
    if with_token:
        headers["Authorization"] = f"Bearer {token()}"
    with requests.get(url, headers=headers, stream=True, timeout=TIMEOUT) as response:
        if response.status_code != 200:
            raise PullFailed(f"the EHR answered {response.status_code} to a file download")
        with path.open("wb") as handle:
            for chunk in response.iter_content(chunk_size=65536):
                handle.write(chunk)


def load_pulled(
    engine: Engine, source: SourceInfo, resources: Iterable[dict[str, Any]], batch_size: int = 500
) -> dict[str, int]:
    """Run pulled resources through the pipeline, one transaction per batch; the counts."""
    counts: Counter[str] = Counter()
    members = MemberDirectory()
    batch: list[Item] = []
    for number, resource in enumerate(resources, start=1):
        batch.append(Item("pull", number, resource))
        if len(batch) >= batch_size:
            counts.update(_load(engine, source, members, batch))
            batch = []
    if batch:
        counts.update(_load(engine, source, members, batch))
    return dict(counts)


def _load(
    engine: Engine, source: SourceInfo, members: MemberDirectory, batch: list[Item]
) -> Counter[str]:
    with engine.begin() as conn:
        return Pipeline(conn, source, members).run(batch).counts


def bulk_pull(
    engine: Engine,
    kick_off_url: str,
    token_provider: TokenProvider,
    out_dir: Path,
    source: SourceInfo,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Export from the EHR, then queue an ``ehr-import`` job of the files; the job id."""
    files = bulk_export(kick_off_url, token_provider, out_dir, sleep)
    return kick_off(engine, [str(f) for f in files], source)
