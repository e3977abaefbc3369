"""EHR NDJSON ingest benchmark: resources/s with matching, de-duplication and Provenance on.

Loads the Synthea export (1x) and a 10x copy made by re-keying every id, each in a fresh
process on a fresh SQLite file, and prints resources/s and peak RSS; memory must stay flat.
The baseline, measured in the same run, is a bare ``Repository.upsert`` of the same resources
(no matching, rewriting, de-duplication or Provenance). Target: >= 2,000 resources/s.
Run from the repository root: ``.venv/bin/python -m bench.ehr_bench [--sizes 1,10]``.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SYNTHEA = Path(__file__).resolve().parents[2] / "shared" / "data" / "synthea-10-patients"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MEMBER_SYSTEM = b"https://fhir.example-health-plan.org/identifiers/member-id"
TARGET = 2000.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,10", help="copies of the export, comma-separated")
    p.add_argument("--run", nargs=3, metavar=("MODE", "DIR", "DB"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def rekey(line: bytes, copy: int) -> bytes:
    """The line with every UUID replaced by one derived from (copy, UUID)."""
    if copy == 0:
        return line
    ns = uuid.UUID(int=copy)
    return UUID.sub(lambda m: str(uuid.uuid5(ns, m.group().decode())).encode(), line)


def make_input(out: Path, copies: int) -> int:
    """Write ``copies`` re-keyed copies of the export (members get a member id); the lines."""
    out.mkdir(parents=True)
    lines = 0
    for source in sorted(SYNTHEA.glob("*.ndjson")):
        if source.name == "log.ndjson":
            continue
        with source.open("rb") as src, (out / source.name).open("wb") as dst:
            for copy in range(copies):
                src.seek(0)
                for n, raw in enumerate(src):
                    line = rekey(raw, copy)
                    if source.name.startswith("Patient."):
                        line = _with_member_id(line, f"M{copy}-{n}")
                    dst.write(line)
                    lines += 1
    return lines


def _with_member_id(line: bytes, member: str) -> bytes:
    ident = b'{"system":"%s","value":"%s"},' % (MEMBER_SYSTEM, member.encode())
    return line.replace(b'"identifier":[', b'"identifier":[' + ident, 1)


def seed_members(url: str, directory: Path) -> None:
    """Store one plan member Patient per EHR patient (matched by member identifier)."""
    from gateway.store.engine import make_engine
    from gateway.store.migrate import upgrade
    from gateway.store.repository import Repository
    from mappings.ids import resource_id

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn, (directory / "Patient.000.ndjson").open() as handle:
        for raw in handle:
            ehr = json.loads(raw)
            member = ehr["identifier"][0]["value"]
            Repository(conn).upsert(
                "Patient",
                {
                    "id": resource_id("member", member),
                    "identifier": [ehr["identifier"][0]],
                    "name": [
                        {"family": ehr["name"][0]["family"], "given": ehr["name"][0]["given"]}
                    ],
                    "birthDate": ehr["birthDate"],
                    "gender": ehr["gender"],
                },
            )
    engine.dispose()


def run_once(mode: str, directory: Path, db: Path) -> dict[str, float]:
    """One measured load in this process: ``pipeline`` (the job) or ``baseline`` (bare upsert)."""
    from gateway.store.engine import make_engine

    url = f"sqlite:///{db}"
    seed_members(url, directory)
    engine = make_engine(url)
    start, cpu_start = time.perf_counter(), _cpu()
    load = _pipeline if mode == "pipeline" else _baseline
    read = load(engine, directory)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "resources": read,
        "seconds": elapsed,
        "rate": read / elapsed,
        "cpu_rate": read / cpu,
        "peak_mb": peak_mb,
    }


def _cpu() -> float:
    """CPU seconds of this process (user + system): the figure a loaded machine distorts least."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pipeline(engine: object, directory: Path) -> int:
    from gateway.ingest.ehr.importer import kick_off
    from gateway.ingest.ehr.provenance import SourceInfo
    from gateway.jobs.runner import run_job

    job_id = kick_off(engine, [str(directory)], SourceInfo("bench-ehr"))  # type: ignore[arg-type]
    job = run_job(engine, job_id)  # type: ignore[arg-type]
    if job is None or job.status != "succeeded":
        raise SystemExit(f"the import job did not succeed: {job}")
    return int(job.counts["read"])


def _baseline(engine: object, directory: Path) -> int:
    from gateway.store.repository import Repository

    read = 0
    for path in sorted(directory.glob("*.ndjson")):
        with path.open("rb") as handle:
            batch: list[dict[str, object]] = []
            for raw in handle:
                batch.append(json.loads(raw))
                if len(batch) == 500:
                    read += _upsert(engine, batch, Repository)
                    batch = []
            read += _upsert(engine, batch, Repository)
    return read


def _upsert(engine: object, batch: list[dict[str, object]], repo_cls: type) -> int:
    with engine.begin() as conn:  # type: ignore[attr-defined]
        repo = repo_cls(conn)
        for body in batch:
            repo.upsert(str(body["resourceType"]), body)
    return len(batch)


def measure(mode: str, directory: Path, work: Path) -> dict[str, float]:
    """Run one load in a fresh process (a clean peak-RSS reading)."""
    db = work / f"{mode}-{directory.name}.db"
    out = subprocess.run(
        [sys.executable, "-m", "bench.ehr_bench", "--run", mode, str(directory), str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Print resources/s and peak RSS per size, against the bare-upsert baseline."""
    args = parse_args(argv)
    if args.run:
        mode, directory, db = args.run
        print(json.dumps(run_once(mode, Path(directory), Path(db))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for copies in (int(s) for s in args.sizes.split(",")):
            directory = work / f"x{copies}"
            lines = make_input(directory, copies)
            base = measure("baseline", directory, work)
            pipe = measure("pipeline", directory, work)
            print(
                f"{copies:>3}x {lines:>7} lines | pipeline {pipe['rate']:6.0f} res/s wall"
                f" {pipe['cpu_rate']:6.0f} res/CPU-s peak {pipe['peak_mb']:4.0f} MB"
                f" | bare upsert {base['rate']:6.0f} res/s wall {base['cpu_rate']:6.0f} res/CPU-s"
                f" peak {base['peak_mb']:4.0f} MB | ratio {pipe['rate'] / base['rate']:.2f}"
                f" | target {TARGET:.0f} res/s {'met' if pipe['rate'] >= TARGET else 'NOT met'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
