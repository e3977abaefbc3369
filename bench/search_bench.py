"""Search benchmark: search() against a bare indexed query returning the same stored bytes.

Run ``.venv/bin/python bench/search_bench.py [--postgres URL] [--patients N]``. Builds a
dataset (1,000 Patients, 1,000 Coverages, 20,000 ExplanationOfBenefit of about 3 KB written
through the Repository in batches), then times, in the same run:

* ``ExplanationOfBenefit?patient=X`` (20 results) through ``search()`` vs a bare baseline:
  one indexed SQL query on the DB-API cursor, its bodies spliced into a Bundle (function
  against function, no HTTP: the issue's 0.7x target is measured per HTTP request, against a
  bare Flask + gunicorn app, by ``bench/read_bench.py``);
* ``Patient?name=`` and a chain ``ExplanationOfBenefit?patient.identifier=`` vs that search;
* an ``_include`` query, counting SQL round trips per included type;
* on PostgreSQL, EXPLAIN of every statement the benchmark queries run (index use).

A benchmark, never a timed test: it prints figures and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_dataset import FAMILIES, load
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from auth.context import AccessContext
from config import load_settings
from gateway.interactions.messages import FhirRequest
from gateway.interactions.search import search
from gateway.store.engine import make_engine
from gateway.store.migrate import upgrade
from gateway.store.search import fastpath

BASE = "http://bench.example/fhir"
SETTINGS = load_settings({"DATABASE_URL": "sqlite://"}, environ={})
CTX = AccessContext.internal()


def _baseline(engine: Engine) -> Callable[[str], bytes]:
    """One indexed query on the raw DB-API cursor; bodies spliced into a minimal Bundle."""
    marker = "%s" if engine.dialect.name == "postgresql" else "?"
    # A fixed statement; only the placeholder style varies by driver.
    sql = (
        "SELECT r.res_id, r.body FROM resource r WHERE r.rid IN (SELECT s.rid"  # noqa: S608
        " FROM search_reference s WHERE s.res_type = 'ExplanationOfBenefit'"
        f" AND s.param = 'patient' AND s.target_id = {marker})"
        " AND r.deleted = false ORDER BY r.rid LIMIT 21"
    )

    def run(patient: str) -> bytes:
        with engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(sql, (patient,))
            rows = cursor.fetchall()
            cursor.close()
        entries = b",".join(
            b'{"fullUrl":"%s/ExplanationOfBenefit/%s","resource":%s,"search":{"mode":"match"}}'
            % (BASE.encode(), str(rid).encode(), bytes(body))
            for rid, body in rows[:20]
        )
        return b'{"resourceType":"Bundle","type":"searchset","entry":[' + entries + b"]}"

    return run


def _search(engine: Engine, rtype: str, *params: tuple[str, str]) -> bytes:
    request = FhirRequest("GET", BASE, rtype, params=params)
    with engine.connect() as conn:
        body = search(request, CTX, conn, SETTINGS).body
    assert body is not None
    return body


def timed(fn: Callable[[int], Any], rounds: int) -> float:
    """Median microseconds per call over ``rounds`` calls (after a warm-up)."""
    for i in range(20):
        fn(i)
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Record every SQL statement sent while the block runs."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        seen.append((statement, parameters))

    # Reused compiled statements run on the DB-API cursor, unseen by the event: count them too.
    original = fastpath.rows

    def counted(conn: Connection, key: Any, build: Any, values: Any) -> list[Any]:
        entry_sql = build().compile(dialect=conn.dialect)
        seen.append((str(entry_sql), dict(entry_sql.params)))
        return original(conn, key, build, values)

    event.listen(engine, "before_cursor_execute", listener)
    fastpath.rows = counted  # type: ignore[assignment]
    try:
        yield seen
    finally:
        fastpath.rows = original  # type: ignore[assignment]
        event.remove(engine, "before_cursor_execute", listener)


def explain(conn: Connection, statement: str, parameters: Any) -> str:
    """The PostgreSQL plan of one recorded statement."""
    rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return "\n".join(r[0] for r in rows)


def _queries(patients: int) -> dict[str, Callable[[int], tuple[str, tuple[tuple[str, str], ...]]]]:
    return {
        "EOB?patient=X (20)": lambda i: (
            "ExplanationOfBenefit",
            (("patient", f"pat-{i % patients}"),),
        ),
        "Patient?name=": lambda i: ("Patient", (("name", f"{FAMILIES[i % 8]}{i % patients}"),)),
        "EOB?patient.identifier= (chain)": lambda i: (
            "ExplanationOfBenefit",
            (("patient.identifier", f"urn:member|M{i % patients:06d}"),),
        ),
        "EOB?coverage.beneficiary.identifier=": lambda i: (
            "ExplanationOfBenefit",
            (("coverage.beneficiary.identifier", f"M{i % patients:06d}"),),
        ),
        "EOB?patient=X&_include x2": lambda i: (
            "ExplanationOfBenefit",
            (
                ("patient", f"pat-{i % patients}"),
                ("_include", "ExplanationOfBenefit:coverage"),
                ("_include", "ExplanationOfBenefit:insurer"),
            ),
        ),
        "EOB?patient=X&service-date=ge..": lambda i: (
            "ExplanationOfBenefit",
            (("patient", f"pat-{i % patients}"), ("service-date", "ge2024-06-01")),
        ),
    }


def main(argv: list[str] | None = None) -> None:
    """Build the dataset, time the queries, print the table, round trips and plans."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a scratch database: it is reset)")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--eobs", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    if args.postgres:
        engine = make_engine(args.postgres)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    upgrade(engine)
    rate = load(engine, args.patients, args.eobs)
    if args.postgres:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"backend {engine.dialect.name}; loaded at {rate:,.0f} resources/s (Repository + index)")
    baseline = _baseline(engine)
    assert baseline("pat-1").count(b'"fullUrl"') == 20
    base_us = timed(lambda i: baseline(f"pat-{i % args.patients}"), args.rounds)
    rows = [("bare indexed query + splice (baseline)", base_us, 1.0, 1)]
    figures: dict[str, float] = {}
    for name, make in _queries(args.patients).items():
        us = timed(lambda i, make=make: _search(engine, *make(i)[:1], *make(i)[1]), args.rounds)
        with statements(engine) as seen:
            _search(engine, *make(7)[:1], *make(7)[1])
        figures[name] = us
        rows.append((name, us, base_us / us, len(seen)))
    print(f"\n{'query':44} {'µs/op':>9} {'baseline/op':>12} {'SQL trips':>10}")
    for name, us, ratio, trips in rows:
        print(f"{name:44} {us:9.0f} {ratio:12.2f} {trips:10d}")
    eob = figures["EOB?patient=X (20)"]
    print(
        f"\nsearch() vs the bare query, in-process (no HTTP): {base_us / eob:.2f}x; the 0.7x"
        " target is measured per HTTP request by bench/read_bench.py (search scenario)"
    )
    for name in ("Patient?name=", "EOB?patient.identifier= (chain)"):
        print(f"{name} / EOB?patient=X: {figures[name] / eob:.2f} (target <= 2)")
    _trips(engine, args.patients)
    if args.postgres:
        _plans(engine, args.patients)


def _trips(engine: Engine, patients: int) -> None:
    print("\n_include round trips (one query per directive, whatever the page size):")
    for count in (5, 20, 100):
        with statements(engine) as seen:
            _search(
                engine,
                "ExplanationOfBenefit",
                ("patient.identifier:missing", "false"),
                ("_count", str(count)),
                ("_include", "ExplanationOfBenefit:coverage"),
                ("_include", "ExplanationOfBenefit:patient"),
            )
        print(f"  _count={count:<4} 2 included types -> {len(seen)} SQL statements")


def _plans(engine: Engine, patients: int) -> None:
    print("\nPostgreSQL plans of every benchmark statement:")
    for name, make in _queries(patients).items():
        with statements(engine) as seen:
            _search(engine, *make(3)[:1], *make(3)[1])
        with engine.connect() as conn:
            for statement, parameters in seen:
                plan = explain(conn, statement, parameters)
                scan = "SEQ SCAN" if "Seq Scan" in plan else "indexed (no Seq Scan)"
                print(f"--- {name}: {scan}\n{plan}")


if __name__ == "__main__":
    main()
