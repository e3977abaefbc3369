"""EHR test data: a small slice of the Synthea export, and plan members for its patients."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.jobs.runner import run_job
from gateway.jobs.store import Job
from gateway.store.repository import Repository
from gateway.store.tables import resource
from mappings.fhir_values import MEMBER_ID_SYSTEM
from mappings.ids import resource_id
from tests.conftest import SHARED

SYNTHEA = SHARED / "data" / "synthea-10-patients"
DIRECTORY_FILES = ("Organization", "Location", "Practitioner", "PractitionerRole")
CLINICAL_FILES = ("Encounter", "Condition", "Immunization", "AllergyIntolerance", "Device")


@dataclass(frozen=True)
class Slice:
    """An NDJSON directory: three patients (two plan members, one unknown) and their data."""

    path: Path
    members: dict[str, str]  # EHR patient id -> member Patient id
    unknown: str
    lines: dict[str, list[dict[str, Any]]]

    def clinical_of(self, ehr_patient: str) -> list[dict[str, Any]]:
        """The clinical resources of one EHR patient in the slice."""
        ref = f"Patient/{ehr_patient}"
        return [
            r
            for name in CLINICAL_FILES
            for r in self.lines[name]
            if (r.get("subject") or r.get("patient") or {}).get("reference") == ref
        ]


def _read(name: str) -> list[dict[str, Any]]:
    with (SYNTHEA / f"{name}.000.ndjson").open() as handle:
        return [json.loads(line) for line in handle]


def member_patient(ehr: dict[str, Any], member_number: str) -> dict[str, Any]:
    """The plan's Patient for a Synthea patient: same name, birth date, gender, address."""
    name = ehr["name"][0]
    postal = ehr["address"][0].get("postalCode")
    return {
        "resourceType": "Patient",
        "id": resource_id("member", member_number),
        "identifier": [{"system": MEMBER_ID_SYSTEM, "value": member_number}],
        "name": [{"use": "official", "family": name["family"], "given": name["given"]}],
        "birthDate": ehr["birthDate"],
        "gender": ehr["gender"],
        "address": [{"postalCode": postal}] if postal else [],
    }


@pytest.fixture(scope="session")
def synthea_slice(tmp_path_factory: pytest.TempPathFactory) -> Slice:
    """Patients 2-4 of the export (3 is left unknown) with up to 15 lines per clinical file."""
    out = tmp_path_factory.mktemp("synthea-slice")
    patients = _read("Patient")[1:4]
    ids = {p["id"] for p in patients}
    lines: dict[str, list[dict[str, Any]]] = {"Patient": patients}
    for name in DIRECTORY_FILES:
        lines[name] = _read(name)
    for name in CLINICAL_FILES:
        mine = [
            r
            for r in _read(name)
            if (r.get("subject") or r.get("patient") or {}).get("reference", "")[8:] in ids
        ]
        lines[name] = mine[:15]
    for name, rows in lines.items():
        text = "".join(json.dumps(r) + "\n" for r in rows)
        (out / f"{name}.000.ndjson").write_text(text)
    members = {p["id"]: resource_id("member", f"M{n}") for n, p in enumerate(patients) if n != 1}
    return Slice(out, members, patients[1]["id"], lines)


@pytest.fixture
def seed_members(engine: Engine, synthea_slice: Slice) -> dict[str, str]:
    """Store the plan's member Patients for the slice's known patients."""
    with engine.begin() as conn:
        repo = Repository(conn)
        for n, patient in enumerate(synthea_slice.lines["Patient"]):
            if patient["id"] in synthea_slice.members:
                repo.upsert("Patient", member_patient(patient, f"M{n}"))
    return synthea_slice.members


ImportRun = Callable[..., Job]


@pytest.fixture
def run_import(engine: Engine) -> ImportRun:
    """Kick off and run an import job to the end."""

    def run(paths: list[Path], source: str = "synthea-ks", **params: Any) -> Job:
        job_id = kick_off(engine, [str(p) for p in paths], SourceInfo(source, "Synthea KS"))
        if params:
            _set_params(engine, job_id, params)
        job = run_job(engine, job_id)
        assert job is not None
        return job

    return run


def _set_params(engine: Engine, job_id: str, extra: dict[str, Any]) -> None:
    from sqlalchemy import update

    from gateway.jobs.store import get
    from gateway.jobs.tables import job

    with engine.begin() as conn:
        current = get(conn, job_id)
        assert current is not None
        params = {**current.params, **extra}
        conn.execute(update(job).where(job.c.id == job_id).values(params=json.dumps(params)))


def count(engine: Engine, resource_type: str | None = None) -> int:
    """How many current resources are stored (of one type)."""
    stmt = select(func.count()).select_from(resource)
    if resource_type:
        stmt = stmt.where(resource.c.res_type == resource_type)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def bodies(engine: Engine, resource_type: str) -> list[dict[str, Any]]:
    """The stored bodies of one type."""
    with engine.connect() as conn:
        return [json.loads(s.body) for s in Repository(conn).iter_current(resource_type)]
