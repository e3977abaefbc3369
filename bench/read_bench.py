"""Read-by-id and search benchmark: the gateway against a bare Flask baseline, in the same run.

For each backend (SQLite, PostgreSQL in a throwaway cluster) it loads a synthetic plan, starts
the gateway (``wsgi:app``) and the baseline (``bench.baseline_app:app``) under gunicorn with the
same settings, and drives both with ``wrk`` (random ids), interleaving short runs to damp noise:
reads by id with a system token, anonymous directory reads, and ``ExplanationOfBenefit?patient=``
searches (20 results; the baseline answers them with one indexed query spliced into a Bundle).
Run from the repository root: ``.venv/bin/python -m bench.read_bench`` (or ``make bench``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.dataset import Sizes, load
from gateway.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"baseline": "bench.baseline_app:app", "gateway": "wsgi:app"}
TARGET_RATIO = 0.8  # read by id (foundation issue)
SEARCH_TARGET_RATIO = 0.7  # EOB?patient=X over HTTP (search issue)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; the defaults are what ``make bench`` runs."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--patients", type=int, default=1000)
    p.add_argument("--eobs", type=int, default=20000)
    p.add_argument("--seconds", type=int, default=3, help="length of one measured wrk run")
    p.add_argument("--rounds", type=int, default=4, help="interleaved runs per target")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--authorization", default=os.environ.get("BENCH_AUTHORIZATION", ""))
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    return p.parse_args(argv)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def database(backend: str, out: Path) -> Iterator[str]:
    """An empty database URL for ``backend``; a PostgreSQL cluster is stopped afterwards."""
    if backend == "sqlite":
        path = out / "read.db"
        for stale in out.glob("read.db*"):
            stale.unlink()
        try:
            yield f"sqlite:///{path}"
        finally:
            for done in out.glob("read.db*"):  # about 230 MB: not kept between runs
                done.unlink()
        return
    cluster = out / "pg"
    shutil.rmtree(cluster, ignore_errors=True)  # a fresh cluster: the dataset goes in empty
    script = str(ROOT / "scripts" / "pg-cluster.sh")
    url = subprocess.run([script, "start", str(cluster)], check=True, text=True,
                         capture_output=True).stdout.strip()  # fmt: skip
    try:
        yield url
    finally:
        subprocess.run([script, "stop", str(cluster)], check=False)
        shutil.rmtree(cluster, ignore_errors=True)


@contextmanager
def server(target: str, url: str, workers: int, port: int) -> Iterator[str]:
    """Run one app under gunicorn (the project's gunicorn.conf.py); yields its base URL."""
    env = {
        **os.environ,
        "GATEWAY_DATABASE_URL": url,
        "GATEWAY_BASE_URL": f"http://127.0.0.1:{port}/fhir",
        "BENCH_DATABASE_URL": url,
        "GATEWAY_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    cmd = [gunicorn, "-c", "gunicorn.conf.py", "-w", str(workers), "-k", "sync"]
    cmd += ["-b", f"127.0.0.1:{port}", TARGETS[target]]
    log = open(ROOT / "bench" / "out" / f"{target}.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def bearer(url: str, audience: str) -> str:
    """An ``Authorization`` value for a system token with read access, minted in the database."""
    try:
        from auth.clients import mint_token
    except ImportError:  # no authorization server yet: the gateway reads without a token
        return ""
    engine = make_engine(url)
    with engine.begin() as conn:
        value = mint_token(conn, "read-bench", "system/*.rs", audience, ttl=3600)
    engine.dispose()
    return f"Bearer {value}"


def probe(port: int, path: str, authorization: str, deadline: float = 30.0) -> int:
    """Wait for the server on ``port`` to answer; the HTTP status of reading ``path``."""
    headers = {"Authorization": authorization} if authorization else {}
    stop = time.monotonic() + deadline
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", path, headers=headers)
            return conn.getresponse().status
        except OSError:
            if time.monotonic() > stop:
                raise
            time.sleep(0.2)
        finally:
            conn.close()


def wrk(base: str, args: argparse.Namespace, paths_file: Path, seconds: int) -> dict[str, Any]:
    """One wrk run; requests/s and latency percentiles in ms."""
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
           "-s", str(ROOT / "bench" / "read.lua"), base, "--", str(paths_file),
           args.authorization]  # fmt: skip
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["p50_ms"] = result["p50_us"] / 1000
    result["p99_ms"] = result["p99_us"] / 1000
    return result


def measure(bases: dict[str, str], args: argparse.Namespace, paths_file: Path) -> dict[str, Any]:
    """Warm up, then interleave rounds (alternating which target goes first)."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in bases}
    for base in bases.values():
        wrk(base, args, paths_file, 1)
    for round_no in range(args.rounds):
        order = list(bases) if round_no % 2 == 0 else list(reversed(bases))
        for name in order:
            runs[name].append(wrk(bases[name], args, paths_file, args.seconds))
    return runs


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Medians per target and the gateway/baseline ratio (median of per-round ratios)."""
    out: dict[str, Any] = {}
    for name, results in runs.items():
        out[name] = {
            key: round(statistics.median(r[key] for r in results), 3)
            for key in ("rps", "p50_ms", "p99_ms")
        }
        out[name]["failed_requests"] = sum(r["non2xx"] + r["socket_errors"] for r in results)
    ratios = [g["rps"] / b["rps"] for g, b in zip(runs["gateway"], runs["baseline"], strict=True)]
    out["ratio"] = round(statistics.median(ratios), 3)
    out["ratios"] = [round(r, 3) for r in ratios]
    return out


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Load, serve, measure one backend."""
    print(f"[{backend}] loading {args.patients} patients and {args.eobs} EOBs")
    with database(backend, args.out) as url:
        engine = make_engine(url)
        paths = load(engine, Sizes(patients=args.patients, eobs=args.eobs))
        engine.dispose()
        paths_file = args.out / f"paths-{backend}.txt"
        member_paths = [p for p in paths if not p.startswith("Practitioner/")]
        paths_file.write_text("".join(f"/fhir/{p}\n" for p in member_paths))
        public_file = args.out / f"paths-{backend}-public.txt"
        public = [p for p in paths if p.startswith("Practitioner/")]
        public_file.write_text("".join(f"/fhir/{p}\n" for p in public))
        ports = {"baseline": free_port(), "gateway": free_port()}
        audience = f"http://127.0.0.1:{ports['gateway']}/fhir"
        args = argparse.Namespace(
            **{**vars(args), "authorization": args.authorization or bearer(url, audience)}
        )
        with (
            server("baseline", url, args.workers, ports["baseline"]) as base,
            server("gateway", url, args.workers, ports["gateway"]) as gateway,
        ):
            bases = {"baseline": base, "gateway": gateway}
            for name, address in bases.items():
                status = probe(
                    int(address.rsplit(":", 1)[1]), f"/fhir/{paths[-1]}", args.authorization
                )
                if status != 200:
                    return {"error": f"{name} answered {status} to a read; not measured"}
            searches_file = args.out / f"paths-{backend}-search.txt"
            patients = [p.split("/", 1)[1] for p in paths if p.startswith("Patient/")]
            searches_file.write_text(
                "".join(f"/fhir/ExplanationOfBenefit?patient={p}\n" for p in patients)
            )
            anonymous = argparse.Namespace(**{**vars(args), "authorization": ""})
            scenarios = {
                "member data, system token": (args, paths_file),
                "directory, anonymous": (anonymous, public_file),
                "search EOB?patient=X (20), system token": (args, searches_file),
            }
            results: dict[str, Any] = {}
            for name, (options, file) in scenarios.items():
                print(f"[{backend}] measuring {name}: {args.rounds} x {args.seconds}s per target")
                results[name] = summarise(measure(bases, options, file))
            return results


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    """The printed table."""
    lines = [
        f"read by id and search, gunicorn sync x{args.workers}, "
        f"wrk -t{args.threads} -c{args.connections}, "
        f"{args.rounds} x {args.seconds}s interleaved (medians); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    ]
    for backend, res in results.items():
        lines.append(f"{backend}")
        if "error" in res:
            lines.append(f"  {res['error']}")
            continue
        lines.append(f"  {'target':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}")
        for name in ("baseline", "gateway"):
            r = res[name]
            lines.append(
                f"  {name:<10}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}"
                f"{r['p99_ms']:>9.2f}{r['failed_requests']:>8}"
            )
        target = SEARCH_TARGET_RATIO if "search" in backend else TARGET_RATIO
        verdict = "meets" if res["ratio"] >= target else "BELOW"
        lines.append(
            f"  ratio gateway/baseline {res['ratio']:.2f} ({verdict} the "
            f"{target}x target; per round {res['ratios']})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every backend, print the report, write bench/out/read.json."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for backend in (b for b in args.backends.split(",") if b):
        scenarios = bench_backend(backend, args)
        if "error" in scenarios:
            results[backend] = scenarios
            continue
        results |= {f"{backend}: {name}": res for name, res in scenarios.items()}
    (args.out / "read.json").write_text(json.dumps(results, indent=2))
    print(report(results, args))
    failed = any("error" in r or r["gateway"]["failed_requests"] for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
