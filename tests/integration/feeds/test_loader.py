"""The generic feed loader on SQLite and PostgreSQL: counts, idempotency, rejections, batches."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from gateway.cli import main
from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds import loader
from gateway.ingest.feeds.loader import FILL_ROWS, WARM_ROWS, LoadReport, load_paths
from gateway.store import bulk
from gateway.store.engine import BULK_CACHE_KIB, BULK_WAL_PAGES, make_engine
from gateway.store.migrate import upgrade
from gateway.store.repository import Repository
from gateway.store.tables import resource, resource_history
from mappings.members import patient_id
from tests.integration.feeds.pool import small_pool

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Feed files of a 6-member demo plan (Synthea people first)."""
    out = tmp_path_factory.mktemp("feeds")
    write_member_feeds(out, small_pool(), 6, seed=3)
    return out


def _copy(demo_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "feeds"
    shutil.copytree(demo_dir, target)
    return target


def _versions(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(resource_history)).scalar_one())


def test_load_creates_every_resource_once(engine: Engine, demo_dir: Path) -> None:
    report = load_paths(engine, [demo_dir])
    assert report.rejected == 0, report.errors[:3]
    assert report.created == report.resources > 0
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(resource)).scalar_one()
    assert stored == report.created


def test_reload_of_unchanged_files_writes_nothing(engine: Engine, demo_dir: Path) -> None:
    first = load_paths(engine, [demo_dir])
    versions = _versions(engine)
    again = load_paths(engine, [demo_dir])
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert _versions(engine) == versions


def test_reload_in_one_process_extracts_index_rows_of_nothing(
    engine: Engine, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_paths(engine, [demo_dir])
    extracted: list[str] = []
    real = bulk.extract

    def counting(resource_type: str, body: Any) -> Any:
        extracted.append(resource_type)
        return real(resource_type, body)

    monkeypatch.setattr(bulk, "extract", counting)
    again = load_paths(engine, [demo_dir], workers=1)
    assert again.unchanged == first.created > 0
    assert extracted == []


def test_changed_row_makes_exactly_one_new_version(
    engine: Engine, demo_dir: Path, tmp_path: Path
) -> None:
    feeds = _copy(demo_dir, tmp_path)
    load_paths(engine, [feeds])
    rows = list(csv.DictReader((feeds / "members.csv").read_text().splitlines()))
    rows[0]["phone"] = "(555) 999-0000"
    with (feeds / "members.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = load_paths(engine, [feeds / "members.csv"])
    assert report.updated == 1
    with engine.connect() as conn:
        stored = Repository(conn).read("Patient", patient_id(rows[0]["member_id"]))
    assert stored is not None
    assert stored.version_id == 2
    assert b"(555) 999-0000" in stored.body


@pytest.mark.parametrize("workers", [1, 2])  # rows parsed and checked here or in workers
def test_rejected_rows_name_file_line_field_and_good_rows_still_load(
    engine: Engine, demo_dir: Path, tmp_path: Path, workers: int
) -> None:
    feeds = _copy(demo_dir, tmp_path)
    lines = (feeds / "members.csv").read_text().splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[5], "1990-13-45x", 1)  # birth_date, line 3
    lines[4] = lines[4] + "\udcff"  # line 5: a byte that is not UTF-8
    (feeds / "members.csv").write_bytes(
        ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
    )
    claims = (feeds / "claims.jsonl").read_text().splitlines()
    claims[1] = "{not json"
    claims[4] = claims[4][:20] + "\udcff"  # cut short, and not UTF-8 once written
    (feeds / "claims.jsonl").write_bytes(
        ("\n".join(claims) + "\n").encode("utf-8", "surrogateescape")
    )
    report = load_paths(engine, [feeds], batch_rows=3, workers=workers)
    found = {(e.file, e.line, e.field) for e in report.errors}
    assert ("members.csv", 3, "birth_date") in found
    assert ("members.csv", 5, "(row)") in found
    assert ("claims.jsonl", 2, "(row)") in found
    assert ("claims.jsonl", 5, "(row)") in found
    assert report.rejected >= 3
    assert report.created > 0


def test_interrupted_load_keeps_whole_batches_and_can_be_rerun(
    engine: Engine, demo_dir: Path
) -> None:
    batches = []

    def crash_after_first_batch(rows: int) -> None:
        batches.append(rows)
        raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError):
        load_paths(
            engine, [demo_dir / "members.csv"], batch_rows=2, progress=crash_after_first_batch
        )
    with engine.connect() as conn:
        patients = conn.execute(
            select(func.count()).select_from(resource).where(resource.c.res_type == "Patient")
        ).scalar_one()
    assert patients == 2  # the first committed batch, nothing of the second
    rerun = load_paths(engine, [demo_dir / "members.csv"])
    assert rerun.rejected == 0
    assert rerun.unchanged > 0
    assert rerun.created > 0


def _bodies(engine: Engine) -> dict[tuple[str, str], dict[str, object]]:
    """Every stored body by type and id, without the time of the write."""
    with engine.connect() as conn:
        rows = conn.execute(select(resource.c.res_type, resource.c.res_id, resource.c.body))
        bodies = {(t, i): orjson.loads(b) for t, i, b in rows}
    for body in bodies.values():
        del body["meta"]["lastUpdated"]
    return bodies


@pytest.fixture(scope="module")
def larger_demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan whose first batch is larger than WARM_ROWS + FILL_ROWS, so that it is split in
    three: prepared here, a full piece and a short one in the workers."""
    out = tmp_path_factory.mktemp("larger-feeds")
    write_member_feeds(out, small_pool(), WARM_ROWS + FILL_ROWS + 10, seed=5)
    return out


@pytest.mark.parametrize(
    ("plan", "batch_rows"), [("small", 20), ("larger", 2 * (WARM_ROWS + FILL_ROWS))]
)
def test_worker_processes_load_the_same_resources(
    engine: Engine,
    demo_dir: Path,
    larger_demo_dir: Path,
    tmp_path: Path,
    plan: str,
    batch_rows: int,
) -> None:
    demo_dir = demo_dir if plan == "small" else larger_demo_dir
    report = load_paths(engine, [demo_dir], batch_rows=batch_rows, workers=2)
    assert report.rejected == 0
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(resource)).scalar_one()
    assert stored == report.created > 0
    again = load_paths(engine, [demo_dir], batch_rows=batch_rows)
    assert again.unchanged == report.created  # same content hashes as a one-process load
    one_process = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    upgrade(one_process)
    load_paths(one_process, [demo_dir], batch_rows=batch_rows)
    assert _bodies(one_process) == _bodies(engine)
    one_process.dispose()


def test_a_load_of_one_batch_starts_no_process(
    engine: Engine, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr("gateway.ingest.process_pool.ProcessPoolExecutor", refuse)
    report = load_paths(engine, [demo_dir / "members.csv"], batch_rows=10_000, workers=2)
    assert report.created > 0
    with pytest.raises(AssertionError, match="worker pool"):
        load_paths(engine, [demo_dir / "members.csv"], batch_rows=2, workers=2)


@pytest.mark.parametrize("flags", [[], ["--check-every", "--workers", "1"]])
def test_cli_load_prints_a_summary(
    database_url: str,
    demo_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    assert main(["feeds", "load", *flags, str(demo_dir / "members.csv")]) == 0
    out = capsys.readouterr().out
    assert "rejected rows 0" in out
    assert re.search(r"created [1-9]\d*, updated 0, unchanged 0", out)
    assert re.search(r"\d+ resources in \d+\.\d s \(\d+/s\); parse", out)


def test_report_counts_resources() -> None:
    report = LoadReport(created=2, updated=1, unchanged=3)
    assert report.resources == 6


@pytest.mark.parametrize("flags", [["--workers", "0"], ["--batch", "-5"], ["--workers", "two"]])
def test_cli_refuses_bad_counts(
    demo_dir: Path, flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["feeds", "load", *flags, str(demo_dir)])
    assert exited.value.code == 2
    assert flags[0] in capsys.readouterr().err


def test_sqlite_checkpoints_less_often_and_caches_more_only_during_a_load(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}", pool_size=2)
    upgrade(engine)
    settings = ("wal_autocheckpoint", "cache_size")

    def read(conn: Connection) -> tuple[int, ...]:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        return tuple(int(dbapi.execute(f"PRAGMA {name}").fetchone()[0]) for name in settings)

    loading: list[tuple[int, ...]] = []
    real = loader._write

    def spying(conn: Connection, *args: Any) -> None:
        loading.append(read(conn))
        real(conn, *args)

    monkeypatch.setattr(loader, "_write", spying)
    others: list[tuple[int, ...]] = []

    def progress(_rows: int) -> None:
        with engine.connect() as conn:  # the pool's other connection keeps the default
            others.append(read(conn))

    with engine.connect() as conn:
        before = read(conn)
    load_paths(engine, [demo_dir / "members.csv"], batch_rows=4, progress=progress)
    assert loading
    assert set(loading) == {(BULK_WAL_PAGES, -BULK_CACHE_KIB)} != {before}
    assert others
    assert set(others) == {before}
    with engine.connect() as one, engine.connect() as two:  # the load's went back restored
        assert read(one) == read(two) == before
    engine.dispose()
