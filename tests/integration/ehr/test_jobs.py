"""Jobs survive a crash: no partial batch is kept, and the job resumes from its checkpoint."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from gateway.ingest.ehr import pipeline
from gateway.ingest.ehr.batch import BatchReport, Item
from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.jobs import store
from gateway.jobs.runner import run_job, run_pending
from tests.integration.ehr.conftest import ImportRun, Slice, _set_params, count

pytestmark = pytest.mark.integration


class ProcessDied(BaseException):
    """Stands for the process being killed mid-batch (not an Exception: nothing catches it)."""


@pytest.mark.parametrize("workers", [0, 2])
def test_crash_mid_load_keeps_no_partial_batch_and_the_job_resumes(
    engine: Engine,
    synthea_slice: Slice,
    seed_members: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    source = SourceInfo("synthea-ks")
    job_id = kick_off(engine, [str(synthea_slice.path)], source, workers=workers)
    _set_params(engine, job_id, {"batch_size": 20})
    real_run = pipeline.Pipeline.run
    calls = {"n": 0}

    def dying_run(self: pipeline.Pipeline, items: list[Item]) -> BatchReport:
        calls["n"] += 1
        report = real_run(self, items)  # the batch's writes happen, then the process dies
        if calls["n"] == 3:
            raise ProcessDied
        return report

    monkeypatch.setattr(pipeline.Pipeline, "run", dying_run)
    with pytest.raises(ProcessDied):
        run_job(engine, job_id)
    with engine.connect() as conn:
        crashed = store.get(conn, job_id)
    assert crashed is not None
    assert crashed.status == store.RUNNING
    # Committed: the Patient file (3 lines) and 20 Organizations; the next 20 rolled back.
    assert crashed.counts["read"] == 23
    assert crashed.cursor == {"file": 1, "line": 20}
    assert count(engine, "Organization") == 20 + 1  # + the feed's own Organization
    stored_after_crash = count(engine)
    monkeypatch.setattr(pipeline.Pipeline, "run", real_run)

    with engine.begin() as conn:
        assert store.recover(conn, stale_after=timedelta(0)) == [job_id]
    assert run_pending(engine) == 1
    with engine.connect() as conn:
        done = store.get(conn, job_id)
    assert done is not None
    assert done.status == store.SUCCEEDED
    assert done.attempts == 2
    total_lines = sum(len(rows) for rows in synthea_slice.lines.values())
    assert done.counts["read"] == total_lines
    assert count(engine) > stored_after_crash


def test_resumed_job_stores_exactly_what_an_uninterrupted_one_does(
    engine: Engine,
    synthea_slice: Slice,
    seed_members: dict[str, str],
    run_import: ImportRun,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clean = run_import([synthea_slice.path], source="clean-feed", batch_size=20)
    job_id = kick_off(engine, [str(synthea_slice.path)], SourceInfo("clean-feed"))
    _set_params(engine, job_id, {"batch_size": 20})
    real_run = pipeline.Pipeline.run

    def dying_run(self: pipeline.Pipeline, items: list[Item]) -> BatchReport:
        raise ProcessDied

    monkeypatch.setattr(pipeline.Pipeline, "run", dying_run)
    with pytest.raises(ProcessDied):
        run_job(engine, job_id)
    monkeypatch.setattr(pipeline.Pipeline, "run", real_run)
    with engine.begin() as conn:
        store.recover(conn, stale_after=timedelta(0))
    run_pending(engine)
    with engine.connect() as conn:
        again = store.get(conn, job_id)
    assert again is not None
    assert again.counts["unchanged"] == clean.counts["created"]


def test_a_job_interrupted_too_often_fails_visibly(engine: Engine) -> None:
    with engine.begin() as conn:
        job_id = store.create(conn, "ehr-import", {"paths": [], "source": "s"})
    for _ in range(store.MAX_ATTEMPTS):
        with engine.begin() as conn:
            assert store.claim(conn, job_id)
        with engine.begin() as conn:
            store.recover(conn, stale_after=timedelta(0))
    with engine.connect() as conn:
        job = store.get(conn, job_id)
    assert job is not None
    assert job.status == store.FAILED
    assert job.error is not None
    assert "interrupted" in job.error


def test_a_failing_handler_marks_the_job_failed_without_exception_text(engine: Engine) -> None:
    job_id = kick_off(engine, ["/nonexistent/secret-path.ndjson"], SourceInfo("s"))
    job = run_job(engine, job_id)
    assert job is not None
    assert job.status == store.FAILED
    assert job.error is not None
    assert "secret-path" not in job.error
    assert "correlation id" in job.error


def test_a_failed_job_restores_the_garbage_collector(engine: Engine) -> None:
    before = (gc.get_freeze_count(), gc.get_threshold())
    job_id = kick_off(engine, ["/nonexistent/file.ndjson"], SourceInfo("s"))
    job = run_job(engine, job_id)
    assert job is not None
    assert job.status == store.FAILED
    assert (gc.get_freeze_count(), gc.get_threshold()) == before


def test_a_running_job_cannot_be_claimed_twice(engine: Engine) -> None:
    with engine.begin() as conn:
        job_id = store.create(conn, "ehr-import", {"paths": [], "source": "s"})
        assert store.claim(conn, job_id)
        assert not store.claim(conn, job_id)
