"""The NPPES extract and the demo network load through the feed loader into the store.

Runs on SQLite and PostgreSQL. Files are trimmed to their first rows to keep the suite fast;
the full demo load is measured by hand (see the area report).
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
from pathlib import Path

import orjson
import pytest
from sqlalchemy.engine import Engine

from gateway.ingest.demo import commands
from gateway.ingest.demo.network import NPPES_SAMPLE, write_network_feeds
from gateway.ingest.demo.plan import MANIFEST, database_is_empty, load_plan
from gateway.ingest.feeds.loader import load_paths
from gateway.ingest.nppes import convert
from gateway.store.repository import Repository
from mappings.ids import resource_id

pytestmark = pytest.mark.integration
ROWS = 40


def _trim(source: Path, target: Path, rows: int = ROWS) -> dict[str, int]:
    """Copy the first ``rows`` lines of every feed file; lines per file."""
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    for path in sorted(source.glob("*.jsonl")):
        with path.open() as handle:
            lines = list(itertools.islice(handle, rows))
        (target / path.name).write_text("".join(lines))
        counts[path.stem] = len(lines)
    return counts


@pytest.fixture(scope="module")
def nppes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NPPES sample converted to feed files, trimmed."""
    full = tmp_path_factory.mktemp("nppes-full")
    convert(NPPES_SAMPLE, full)
    trimmed = tmp_path_factory.mktemp("nppes")
    _trim(full, trimmed)
    return trimmed


@pytest.fixture(scope="module")
def network_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo network feeds, trimmed, with a manifest as ``generate_plan`` writes it."""
    full = tmp_path_factory.mktemp("network-full")
    write_network_feeds(full)
    trimmed = tmp_path_factory.mktemp("network")
    counts = _trim(full, trimmed, 15)
    (trimmed / MANIFEST).write_text(json.dumps({"rows": counts}))
    return trimmed


def test_nppes_extract_converts_and_loads_every_row(engine: Engine, nppes_dir: Path) -> None:
    report = load_paths(engine, [nppes_dir])
    assert report.errors == []
    assert report.rows == 3 * ROWS
    assert report.created == 3 * ROWS
    first = orjson.loads((nppes_dir / "practitioners.jsonl").read_text().splitlines()[0])
    with engine.connect() as conn:
        stored = Repository(conn).read("Practitioner", resource_id("practitioner", first["npi"]))
    assert stored is not None
    body = orjson.loads(stored.body)
    assert {"system": "http://hl7.org/fhir/sid/us-npi", "value": first["npi"]} in [
        {k: i[k] for k in ("system", "value")} for i in body["identifier"]
    ]


def test_nppes_reload_writes_no_new_versions(engine: Engine, nppes_dir: Path) -> None:
    load_paths(engine, [nppes_dir])
    again = load_paths(engine, [nppes_dir])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3 * ROWS)


def test_demo_network_loads_every_feed_kind(engine: Engine, network_dir: Path) -> None:
    report = load_plan(engine, network_dir)
    assert report.errors == []
    assert report.created == report.rows == 9 * 15
    assert not database_is_empty(engine)


def test_demo_load_if_empty_skips_a_database_with_data(
    engine: Engine,
    database_url: str,
    network_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_plan(engine, network_dir)
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    args = argparse.Namespace(if_empty=True, feed_dir=network_dir, members=10, seed=7)
    assert commands._load(args) == 0
    assert "skipped" in capsys.readouterr().out


def test_demo_load_if_empty_loads_an_empty_database(
    engine: Engine,
    database_url: str,
    network_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed_dir = tmp_path / "feeds"
    shutil.copytree(network_dir, feed_dir)
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setattr(commands, "import_ehr", lambda _engine: {})  # tested in tests/*/ehr
    args = argparse.Namespace(if_empty=True, feed_dir=feed_dir, members=10, seed=7)
    assert database_is_empty(engine)
    assert commands._load(args) == 0
    assert not database_is_empty(engine)


def test_demo_load_if_empty_resumes_an_interrupted_load_then_skips(
    engine: Engine,
    database_url: str,
    network_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed_dir = tmp_path / "feeds"
    shutil.copytree(network_dir, feed_dir)
    (feed_dir / MANIFEST).write_text("{}")
    first = sorted(feed_dir.glob("*.jsonl"))[0]
    from gateway.ingest.feeds.loader import load_paths

    commands.stamp(feed_dir, commands.STARTED_STAMP, database_url)
    load_paths(engine, [first])  # a load killed after its first file
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setattr(commands, "import_ehr", lambda _engine: {})
    args = argparse.Namespace(if_empty=True, feed_dir=feed_dir, members=10, seed=7)
    assert commands._load(args) == 0
    assert "resuming" in capsys.readouterr().out
    assert load_plan(engine, feed_dir).created == 0  # everything is in
    assert commands._load(args) == 0
    assert "skipped" in capsys.readouterr().out
