"""Two feeds sending the same facts make one resource with both sources; the review queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gateway.errors import Conflict, NotFound
from gateway.ingest.ehr import review
from gateway.ingest.ehr.tables import ehr_source_link
from tests.integration.ehr.conftest import ImportRun, Slice, bodies, count

pytestmark = pytest.mark.integration


def _rekeyed_copy(slice_: Slice, out: Path) -> Path:
    """The same clinical facts under other ids and without identifiers (a second EHR)."""
    out.mkdir()
    for name, rows in slice_.lines.items():
        lines = []
        for row in rows:
            copy = {k: v for k, v in row.items() if k != "identifier" or name == "Patient"}
            lines.append(json.dumps(copy))
        (out / f"{name}.000.ndjson").write_text("\n".join(lines) + "\n")
    return out


def test_same_condition_from_two_feeds_is_one_resource_with_two_sources(
    engine: Engine,
    synthea_slice: Slice,
    seed_members: dict[str, str],
    run_import: ImportRun,
    tmp_path: Path,
) -> None:
    run_import([synthea_slice.path], source="hospital-a")
    conditions = count(engine, "Condition")
    second = run_import([_rekeyed_copy(synthea_slice, tmp_path / "b")], source="hospital-b")
    assert count(engine, "Condition") == conditions
    assert second.counts["merged"] >= conditions
    with engine.connect() as conn:
        rows = conn.execute(
            select(ehr_source_link.c.res_id, ehr_source_link.c.source).where(
                ehr_source_link.c.res_type == "Condition"
            )
        ).all()
    sources: dict[str, set[str]] = {}
    for rid, source in rows:
        sources.setdefault(rid, set()).add(source)
    assert all(s == {"hospital-a", "hospital-b"} for s in sources.values())
    provenance_sources = {
        p["entity"][0]["what"]["identifier"]["value"]
        for p in bodies(engine, "Provenance")
        for t in p["target"]
        if t["reference"] == f"Condition/{next(iter(sources))}"
    }
    assert provenance_sources == {"hospital-a", "hospital-b"}


def test_two_facts_of_one_feed_with_the_same_code_and_date_stay_two(
    engine: Engine,
    seed_members: dict[str, str],
    run_import: ImportRun,
    tmp_path: Path,
    synthea_slice: Slice,
) -> None:
    member_ehr_id = next(iter(seed_members))
    patient = next(p for p in synthea_slice.lines["Patient"] if p["id"] == member_ehr_id)
    fact = {
        "resourceType": "Condition",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006"}]},
        "subject": {"reference": f"Patient/{member_ehr_id}"},
        "onsetDateTime": "2001-01-01",
    }
    path = tmp_path / "Condition.000.ndjson"
    rows = [patient, {**fact, "id": "one"}, {**fact, "id": "two"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    job = run_import([path], source="one-feed")
    assert job.counts["created"] == 2
    assert count(engine, "Condition") == 2


def test_resolving_a_review_item_releases_its_held_resources(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    run_import([synthea_slice.path])
    with engine.connect() as conn:
        items = review.queue(conn)
    assert [i["reason"] for i in items] == ["no-match"]
    held = items[0]["held"]
    member = next(iter(seed_members.values()))
    before = count(engine)
    with engine.begin() as conn:
        result = review.resolve(conn, items[0]["id"], member)
    assert result["status"] == "matched"
    assert result["released"]["created"] + result["released"].get("merged", 0) == held
    assert count(engine) > before
    with engine.connect() as conn:
        assert review.queue(conn) == []


def test_rejecting_a_review_item_discards_held_data_and_stores_nothing(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    run_import([synthea_slice.path])
    with engine.connect() as conn:
        item = review.queue(conn)[0]
    before = count(engine)
    with engine.begin() as conn:
        result = review.resolve(conn, item["id"], None)
    assert result == {"id": item["id"], "status": "rejected", "discarded": item["held"]}
    assert count(engine) == before


def test_a_review_item_cannot_be_resolved_twice_or_to_an_unknown_member(
    engine: Engine, synthea_slice: Slice, seed_members: dict[str, str], run_import: ImportRun
) -> None:
    run_import([synthea_slice.path])
    with engine.connect() as conn:
        item = review.queue(conn)[0]
    with pytest.raises(NotFound), engine.begin() as conn:
        review.resolve(conn, item["id"], "no-such-member")
    with engine.begin() as conn:
        review.resolve(conn, item["id"], None)
    with pytest.raises(Conflict), engine.begin() as conn:
        review.resolve(conn, item["id"], None)
