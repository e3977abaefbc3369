"""Feed-load throughput of the member-side families (members, claims, authorizations, care).

Generates the demo plan's member-side feeds, loads them into a fresh SQLite file and, with
``--postgres URL``, into a throwaway database on that server, then prints resources/s with the
time split into parse, validate (marshmallow), map, fhir (fhir.resources structure check, once
per shape unless ``--check-every``), index (extraction) and write (SQL; ``idx-sql`` is the
part of it spent on index rows). Never a timed test. Run:
``.venv/bin/python -m bench.load_bench``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.demo.pool import Plan, Provider, ProviderPool
from gateway.ingest.feeds.loader import STAGES, LoadReport, load_paths
from gateway.store import indexing
from gateway.store.engine import make_engine
from gateway.store.migrate import upgrade

TARGET = 3000.0
COLUMNS = (*STAGES, "idx-sql")
LINES = ("HMO", "PPO", "MEDICAID", "MEDICARE_ADVANTAGE", "QHP")


def bench_pool(providers: int = 300) -> ProviderPool:
    """A synthetic pool: five plans and practitioners, facilities and pharmacies."""
    kinds = ("practitioner", "practitioner", "organization", "pharmacy")
    made = tuple(
        Provider(f"1{n:09d}", kinds[n % 4], f"Provider {n}", "207Q00000X", "MA", ("net-1",))
        for n in range(providers)
    )
    plans = tuple(Plan(f"plan-{lob.lower()}", f"Bench {lob}", lob, ("net-1",)) for lob in LINES)
    return ProviderPool("bench-payer", "Bench Health Plan", plans, made)


@contextmanager
def timed_index(report_seconds: dict[str, float]) -> Iterator[None]:
    """Attribute the search-index upkeep (inside the write) to its own stage."""
    originals: dict[str, Callable[..., Any]] = {"write_rows_many": indexing.write_rows_many}

    def timed(original: Callable[..., Any]) -> Callable[..., None]:
        def call(*args: Any, **kwargs: Any) -> None:
            started = time.perf_counter()
            original(*args, **kwargs)
            spent = time.perf_counter() - started
            report_seconds["idx-sql"] = report_seconds.get("idx-sql", 0.0) + spent

        return call

    for name, original in originals.items():
        setattr(indexing, name, timed(original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(indexing, name, original)


def run(
    engine: Engine, feeds: Path, workers: int, check_every: bool = False
) -> tuple[LoadReport, dict[str, float], float]:
    """Load the feeds; returns the report, the index-SQL and main-process CPU times, the wall."""
    upgrade(engine)
    extra: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    with timed_index(extra):
        report = load_paths(engine, [feeds], workers=workers, check_every=check_every)
    extra["cpu"] = time.process_time() - cpu
    return report, extra, time.perf_counter() - started


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A throwaway database on ``server``, dropped afterwards."""
    name = f"gw_load_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def row(backend: str, report: LoadReport, extra: dict[str, float], wall: float) -> str:
    """One table row: throughput, the main process's CPU seconds and the stage split.

    With workers the CPU stages are summed over processes, so they can exceed the wall time.
    """
    stages = {**report.seconds, "idx-sql": extra.get("idx-sql", 0.0)}
    split = " ".join(f"{stages[s]:7.2f}" for s in COLUMNS)
    rate = report.resources / wall
    return (
        f"{backend:12} {report.rows:7} {report.resources:9} {wall:7.2f} {extra['cpu']:7.2f} "
        f"{rate:7.0f} {split}"
    )


def main(argv: list[str] | None = None) -> int:
    """Generate, load, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="PostgreSQL server URL (a throwaway DB is created)")
    parser.add_argument("--workers", default="1,2", help="worker process counts to compare")
    parser.add_argument(
        "--check-every", action="store_true", help="structure-check every resource, not per shape"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        feeds = Path(tmp) / "feeds"
        counts = write_member_feeds(feeds, bench_pool(), args.members, args.seed)
        print("feed rows:", ", ".join(f"{name} {n}" for name, n in counts.items()))
        header = " ".join(f"{s:>7}" for s in COLUMNS)
        print(
            f"{'backend/wk':12} {'rows':>7} {'resources':>9} {'wall s':>7} {'cpu s':>7} "
            f"{'res/s':>7} {header}"
        )
        for workers in (int(w) for w in args.workers.split(",")):
            engine = make_engine(f"sqlite:///{Path(tmp) / f'bench{workers}.db'}")
            print(row(f"sqlite/{workers}", *run(engine, feeds, workers, args.check_every)))
            engine.dispose()
            if args.postgres:
                with postgres_database(args.postgres) as url:
                    engine = make_engine(url)
                    print(row(f"pg/{workers}", *run(engine, feeds, workers, args.check_every)))
                    engine.dispose()
    print(f"target: >= {TARGET:.0f} resources/s on SQLite")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
