"""Token cost benchmark: authenticated read-by-id against an anonymous one, in the same run.

Both read the same Provider Directory Practitioner through the Flask test client (no network),
so the difference is the bearer-token lookup and AccessContext construction. Rounds are
interleaved to damp noise; the median per-request time of each is compared. Target: <= 1.25.
Run from the repository root: ``.venv/bin/python -m bench.auth_bench [--database-url URL]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from auth.clients import mint_token
from auth.tokens import verify
from gateway import create_app
from gateway.audit import record
from gateway.store.migrate import upgrade

TARGET = 1.25
BASE = "http://localhost/fhir"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", help="an empty database; default: each of --backends")
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    p.add_argument("--requests", type=int, default=200, help="requests per round")
    p.add_argument("--rounds", type=int, default=31)
    return p.parse_args(argv)


def timed(client: FlaskClient, url: str, headers: dict[str, str], n: int) -> float:
    """Mean seconds per request over ``n`` requests (each must answer 200)."""
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"unexpected {response.status_code} for {url}")
    return (time.perf_counter() - start) / n


def audit_cost(engine: Engine, token: str, n: int) -> float:
    """Mean seconds to append and commit one audit row, as a FHIR read would."""
    with engine.connect() as conn:
        ctx = verify(conn, f"Bearer {token}", BASE)
        conn.commit()
        start = time.perf_counter()
        for _ in range(n):
            record(conn, ctx, "read", "Practitioner", ["bench-1"], "success")
        return (time.perf_counter() - start) / n


def measure(url: str, args: argparse.Namespace) -> bool:
    """Measure one database and print the figures; True when the ratio meets the target."""
    app = create_app({"ENV": "test", "DATABASE_URL": url, "BASE_URL": BASE})
    engine = app.extensions["gateway"].engine
    upgrade(engine)
    with engine.begin() as conn:
        token = mint_token(conn, "bench", "system/*.cruds", BASE)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    body = {"resourceType": "Practitioner", "id": "bench-1", "name": [{"family": "Bench"}]}
    put = client.put(
        "/fhir/Practitioner/bench-1",
        json=body,
        headers={**auth, "Content-Type": "application/fhir+json"},
    )
    assert put.status_code in (200, 201), put.data
    target = "/fhir/Practitioner/bench-1"
    timed(client, target, {}, 200)  # warm caches
    timed(client, target, auth, 200)
    anonymous, authenticated = [], []
    for _ in range(args.rounds):
        anonymous.append(timed(client, target, {}, args.requests))
        authenticated.append(timed(client, target, auth, args.requests))
    anon, authd = statistics.median(anonymous), statistics.median(authenticated)
    # Adjacent rounds share the machine's load, so the median of per-pair ratios is the
    # figure least moved by other work on a shared host.
    ratio = statistics.median(b / a for a, b in zip(anonymous, authenticated, strict=True))
    print(f"database: {engine.dialect.name}")
    print(
        f"anonymous read:     {anon * 1e6:8.1f} us/request"
        f" (median of {args.rounds} rounds of {args.requests})"
    )
    print(f"authenticated read: {authd * 1e6:8.1f} us/request")
    print(f"ratio: {ratio:.3f} (median of per-round ratios; target <= {TARGET})")
    cost = audit_cost(engine, token, args.requests)
    print(f"audit.record + commit: {cost * 1e6:8.1f} us/row (what wiring the audit log adds)")
    engine.dispose()
    return ratio <= TARGET


def main(argv: list[str] | None = None) -> int:
    """Measure each backend (a throwaway PostgreSQL cluster, as read_bench); exit 1 on a miss."""
    args = parse_args(argv)
    if args.database_url:
        return 0 if measure(args.database_url, args) else 1
    from bench.read_bench import database

    args.out.mkdir(parents=True, exist_ok=True)
    ok = True
    for backend in args.backends.split(","):
        if backend == "sqlite":
            ok &= measure(f"sqlite:///{tempfile.mkdtemp()}/auth_bench.db", args)
            continue
        with database(backend, args.out) as url:
            ok &= measure(url, args)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
