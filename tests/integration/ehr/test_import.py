"""NDJSON import through a persisted job: matching, held data, references, Provenance, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gateway.ingest.ehr.provenance import PROFILES
from gateway.ingest.ehr.tables import ehr_staged
from gateway.jobs import store
from gateway.store.tables import resource_history
from tests.integration.ehr.conftest import ImportRun, Slice, bodies, count

pytestmark = pytest.mark.integration


def test_import_rewrites_subjects_to_member_patients_and_stores_no_ehr_patient(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    job = run_import([synthea_slice.path])
    assert job.status == store.SUCCEEDED
    assert count(engine, "Patient") == 2
    member_refs = {f"Patient/{m}" for m in seed_members.values()}
    conditions = bodies(engine, "Condition")
    assert conditions
    assert {c["subject"]["reference"] for c in conditions} <= member_refs


def test_resources_of_an_unknown_patient_are_held_not_served(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    job = run_import([synthea_slice.path])
    held = len(synthea_slice.clinical_of(synthea_slice.unknown))
    assert held > 0
    assert job.counts["held"] == held
    assert job.counts["patients-review"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ehr_staged)).scalar_one() == held
    unknown_encounter_ids = {r["id"] for r in synthea_slice.clinical_of(synthea_slice.unknown)}
    assert not unknown_encounter_ids & {e["id"] for e in bodies(engine, "Encounter")}


def test_conditional_and_local_references_resolve_to_stored_resources(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    run_import([synthea_slice.path])
    stored = {
        f"{t}/{b['id']}"
        for t in ("Encounter", "Practitioner", "Location", "Organization")
        for b in bodies(engine, t)
    }
    encounter = bodies(engine, "Encounter")[0]
    practitioner = encounter["participant"][0]["individual"]["reference"]
    assert "?" not in practitioner
    assert practitioner in stored
    assert encounter["location"][0]["location"]["reference"] in stored
    sent = {f"Encounter/{e['id']}" for e in synthea_slice.lines["Encounter"]}
    expected = sum(
        1
        for c in synthea_slice.lines["Condition"]
        if c["subject"]["reference"][8:] in seed_members and c["encounter"]["reference"] in sent
    )
    resolved = [c for c in bodies(engine, "Condition") if c["encounter"]["reference"] in stored]
    assert expected > 0
    assert len(resolved) == expected


def test_every_stored_resource_is_a_target_of_a_pdex_provenance(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    run_import([synthea_slice.path])
    provenances = bodies(engine, "Provenance")
    targets = {t["reference"] for p in provenances for t in p["target"]}
    for rtype in ("Condition", "Encounter", "Practitioner"):
        assert {f"{rtype}/{b['id']}" for b in bodies(engine, rtype)} <= targets
    assert all(p["meta"]["profile"] == PROFILES for p in provenances)
    author = provenances[0]["agent"][0]["who"]["reference"]
    assert author.startswith("Organization/")
    assert count(engine, "Organization") > 0


def test_resending_the_same_files_changes_nothing(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    first = run_import([synthea_slice.path])
    with engine.connect() as conn:
        versions = conn.execute(select(func.count()).select_from(resource_history)).scalar_one()
    again = run_import([synthea_slice.path])
    assert again.counts.get("created", 0) == again.counts.get("updated", 0) == 0
    assert again.counts["unchanged"] == first.counts["created"]
    assert again.counts["held-already"] == first.counts["held"]
    with engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(resource_history)).scalar_one()
    assert after == versions


def test_bad_lines_are_reported_with_file_and_line_and_good_lines_load(
    engine: Engine, seed_members: dict[str, str], run_import: ImportRun, tmp_path: Path
) -> None:
    bad = tmp_path / "Condition.000.ndjson"
    bad.write_text(
        '{"resourceType": "Condition", "id": "c1", "subject": "not-a-reference"}\n'
        "this is not json\n"
        '{"resourceType": "Practitioner", "id": "p1", "name": [{"family": "Ok"}]}\n'
        '{"resourceType": "Condition", "id": "c2", "meta": {"profile": '
        '["http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition"]},'
        ' "code": {"text": "x"}, "subject": {"reference": "Patient/x"}}\n'
    )
    job = run_import([bad])
    with engine.connect() as conn:
        issues = store.issues(conn, job.id)
    located = [(i.file, i.line) for i in issues]
    assert located == [
        ("Condition.000.ndjson", 1),
        ("Condition.000.ndjson", 2),
        ("Condition.000.ndjson", 4),
    ]
    assert "Condition.subject" in issues[0].message
    assert issues[1].message == "not valid JSON"
    assert "required by profile" in issues[2].message
    assert job.counts["errors"] == 3
    assert count(engine, "Practitioner") == 1


def test_resources_sent_before_their_patient_are_released_when_it_matches(
    engine: Engine,
    synthea_slice: Slice,
    seed_members: dict[str, str],
    run_import: ImportRun,
    tmp_path: Path,
) -> None:
    member_ehr_id = next(iter(seed_members))
    early = tmp_path / "early"
    early.mkdir()
    conditions = [
        c for c in synthea_slice.clinical_of(member_ehr_id) if c["resourceType"] == "Condition"
    ]
    (early / "Condition.000.ndjson").write_text("".join(json.dumps(c) + "\n" for c in conditions))
    first = run_import([early])
    assert first.counts["held"] == len(conditions)
    assert count(engine, "Condition") == 0
    patient = next(p for p in synthea_slice.lines["Patient"] if p["id"] == member_ehr_id)
    late = tmp_path / "Patient.000.ndjson"
    late.write_text(json.dumps(patient) + "\n")
    second = run_import([late])
    assert second.counts["patients-matched"] == 1
    assert second.counts["created"] == len(conditions)
    assert count(engine, "Condition") == len(conditions)
