"""The import job with its checks and index extraction on worker processes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gateway.cli import main
from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.jobs import store
from gateway.jobs.tables import job as job_table
from gateway.search.extract import extract
from gateway.store.index_tables import VALUE_TABLES, search_compartment
from gateway.store.tables import resource
from tests.integration.ehr.conftest import ImportRun, Slice

pytestmark = pytest.mark.integration

Rows = dict[str, list[tuple[Any, ...]]]


def _stored_index(engine: Engine) -> dict[int, tuple[Rows, set[str]]]:
    """Every stored resource's index rows (per parameter type) and compartment patients."""
    found: dict[int, tuple[Rows, set[str]]] = defaultdict(lambda: (defaultdict(list), set()))
    with engine.connect() as conn:
        for kind, table in VALUE_TABLES.items():
            columns = [c for c in table.columns if c.name not in ("rid", "res_type")]
            for rid, *values in conn.execute(select(table.c.rid, *columns)):
                found[rid][0][kind].append(tuple(values))
        for rid, patient in conn.execute(select(search_compartment)):
            found[rid][1].add(patient)
    return found


def _comparable(rows: Rows) -> dict[str, list[str]]:
    # Booleans and numbers come back from the databases in their own forms: compare as text.
    # extract() may stop a row before the trailing ``grp`` column (NULL when stored): pad it.
    return {
        k: sorted(repr(tuple(map(_plain, _padded(k, r)))) for r in v) for k, v in rows.items() if v
    }


def _padded(kind: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
    width = len(VALUE_TABLES[kind].columns) - 2  # without rid and res_type
    return (*row, *(None,) * (width - len(row)))


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, bool | int | float) else value


@pytest.mark.parametrize("workers", [0, 2])
def test_index_rows_made_before_placing_equal_those_of_the_stored_bodies(
    engine: Engine,
    synthea_slice: Slice,
    seed_members: dict[str, str],
    run_import: ImportRun,
    workers: int,
) -> None:
    job = run_import([synthea_slice.path], workers=workers, batch_size=16)
    assert job.status == store.SUCCEEDED
    stored = _stored_index(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(resource.c.rid, resource.c.res_type, resource.c.body)).all()
    checked = 0
    for rid, rtype, body in rows:
        expected = extract(rtype, orjson.loads(body))
        kinds, patients = stored.get(rid, ({}, set()))
        assert (_comparable(kinds), patients) == (_comparable(expected.rows), expected.patients)
        checked += rtype not in ("Patient", "Provenance", "Organization")
    assert checked > 50


def test_bad_lines_checked_on_worker_processes_keep_their_file_and_line(
    engine: Engine, seed_members: dict[str, str], run_import: ImportRun, tmp_path: Path
) -> None:
    good = '{"resourceType": "Practitioner", "id": "p%d", "name": [{"family": "Ok"}]}\n'
    lines = [good % n for n in range(9)]
    lines[2] = "this is not json\n"
    lines[6] = '{"resourceType": "Practitioner", "id": "x", "gender": 7}\n'
    (tmp_path / "Practitioner.000.ndjson").write_text("".join(lines))
    job = run_import([tmp_path], workers=2, batch_size=2)
    with engine.connect() as conn:
        issues = store.issues(conn, job.id)
    assert [(i.file, i.line) for i in issues] == [
        ("Practitioner.000.ndjson", 3),
        ("Practitioner.000.ndjson", 7),
    ]
    assert issues[0].message == "not valid JSON"
    assert "Practitioner.gender" in issues[1].message
    assert job.counts["read"] == 9
    assert job.counts["created"] == 7


def test_a_negative_worker_count_is_refused_before_a_job_is_queued(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="workers"):
        kick_off(engine, [str(tmp_path)], SourceInfo("s"), workers=-1)
    with engine.connect() as conn:
        assert conn.execute(select(job_table)).first() is None


def test_cli_refuses_a_worker_count_that_is_not_a_whole_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ehr", "import", "--workers", "two", "files/"])
    assert exit_info.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err
