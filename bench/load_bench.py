"""Feed-load throughput of the member-side families (members, claims, authorizations, care).

Generates the demo plan's member-side feeds, loads them into a fresh SQLite file and, with
``--postgres URL``, into a throwaway database on that server, then prints resources/s with the
time split into parse, validate (marshmallow), map, fhir (fhir.resources structure check, once
per element shape unless ``--check-every``), index (extraction), serialize (in workers) and
write (SQL; ``idx-sql`` is the part of it spent on index rows). Never a timed test. Run:
``.venv/bin/python -m bench.load_bench [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
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
from gateway.store import bulk, indexing
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
def timed_index(seconds: dict[str, float]) -> Iterator[None]:
    """Time the index work done inside the write: the index-row SQL (``idx-sql``) and, in a
    single process, the extraction of the written resources (``index-in-write``). Wall seconds,
    since the write stage they are part of is measured in wall seconds.
    """
    patched: list[tuple[Any, str, str]] = [
        (indexing, "write_rows_many", "idx-sql"),
        (bulk, "extract", "index-in-write"),
    ]
    originals = [getattr(module, name) for module, name, _ in patched]

    def timed(original: Callable[..., Any], key: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started

        return call

    for (module, name, key), original in zip(patched, originals, strict=True):
        setattr(module, name, timed(original, key))
    try:
        yield
    finally:
        for (module, name, _), original in zip(patched, originals, strict=True):
            setattr(module, name, original)


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


def rate_of(report: LoadReport, _extra: dict[str, float], wall: float) -> float:
    """Resources per second of wall time."""
    return report.resources / wall


def row(backend: str, report: LoadReport, extra: dict[str, float], wall: float) -> str:
    """One table row: throughput, the main process's CPU seconds and the stage split.

    With workers the CPU stages are summed over processes, so they can exceed the wall time.
    In a single process the extraction runs inside the write (written resources only): its
    wall seconds move from write to index.
    """
    in_write = extra.get("index-in-write", 0.0)
    stages = {**report.seconds, "idx-sql": extra.get("idx-sql", 0.0)}
    stages["index"] += in_write
    stages["write"] -= in_write
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
        "--check-every",
        action="store_true",
        help="structure-check every resource, not once per element shape",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat every run, interleaved; prints the median"
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
        rates: dict[str, list[float]] = {}
        for round_ in range(args.rounds):
            for workers in (int(w) for w in args.workers.split(",")):
                db = Path(tmp) / f"bench{workers}-{round_}.db"
                engine = make_engine(f"sqlite:///{db}")
                result = run(engine, feeds, workers, args.check_every)
                print(row(f"sqlite/{workers}", *result))
                rates.setdefault(f"sqlite/{workers}", []).append(rate_of(*result))
                engine.dispose()
                db.unlink()
                if args.postgres:
                    with postgres_database(args.postgres) as url:
                        engine = make_engine(url)
                        result = run(engine, feeds, workers, args.check_every)
                        print(row(f"pg/{workers}", *result))
                        rates.setdefault(f"pg/{workers}", []).append(rate_of(*result))
                        engine.dispose()
        if args.rounds > 1:
            for name, values in rates.items():
                print(
                    f"{name:12} resources/s over {len(values)} rounds: "
                    f"median {statistics.median(values):.0f}, best {max(values):.0f}, "
                    f"worst {min(values):.0f}"
                )
    print(f"target: >= {TARGET:.0f} resources/s on SQLite")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
