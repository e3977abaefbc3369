"""EHR NDJSON ingest benchmark: resources/s with matching, de-duplication and Provenance on.

Loads the Synthea export (1x) and a 10x copy made by re-keying every id, each in a fresh
process on a fresh SQLite file, through the ``ehr-import`` job (checks and index extraction
on worker processes), and prints resources/s by wall clock and by CPU (the job's process
alone, and with its workers), peak RSS (the job's process, the largest worker) and, for 1x,
the same job in one process and the CPU split by stage. Memory must stay flat from 1x to 10x.
The baseline, measured in the same run, is a bare ``Repository.upsert`` of the same resources
(no checks, matching, rewriting, de-duplication or Provenance). Target: >= 2,000 resources/s
on SQLite. Run from the repository root: ``.venv/bin/python -m bench.ehr_bench [--sizes 1,10]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.processes import Descendants, rss_kb

SYNTHEA = Path(__file__).resolve().parents[2] / "shared" / "data" / "synthea-10-patients"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MEMBER_SYSTEM = b"https://fhir.example-health-plan.org/identifiers/member-id"
TARGET = 2000.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,10", help="copies of the export, comma-separated")
    p.add_argument("--workers", type=int, default=None, help="worker processes (job default)")
    p.add_argument("--no-split", action="store_true", help="skip the 1x stage split")
    p.add_argument("--run", nargs=4, metavar=("MODE", "DIR", "DB", "W"), help=argparse.SUPPRESS)
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


def run_once(mode: str, directory: Path, db: Path, workers: int | None) -> dict[str, Any]:
    """One measured load in this process: ``pipeline``, ``inline``, ``split`` or ``baseline``."""
    import gateway.ingest.ehr.importer
    import gateway.jobs.runner  # noqa: F401  (a gateway process has these loaded already)
    from gateway.store.engine import make_engine

    url = f"sqlite:///{db}"
    seed_members(url, directory)
    engine = make_engine(url)
    spent = _instrument() if mode == "split" else None
    curve: list[float] = [_lines(directory)]  # the total first; RSS readings follow
    watch = Descendants()
    start, cpu_start = time.perf_counter(), _cpu()
    if mode == "baseline":
        read = _baseline(engine, directory)
    else:
        read = _pipeline(engine, directory, 0 if mode in ("inline", "split") else workers, curve)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu_start
    workers_cpu, worker_peak_mb = watch.stop()
    result: dict[str, Any] = {
        "resources": read,
        "seconds": elapsed,
        "rate": read / elapsed,
        "cpu_rate": read / cpu,
        "total_cpu_rate": read / (cpu + workers_cpu),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": worker_peak_mb,
        "rss_curve": curve[1:] if mode == "pipeline" else [],
    }
    if spent is not None:
        from bench.ehr_stages import report

        print("\n".join(report(spent, cpu, read)))
    return result


def _instrument() -> dict[str, float]:
    from bench.ehr_stages import instrument

    return instrument()


def _lines(directory: Path) -> int:
    """Lines of the input files, read line by line (a whole file would raise the peak RSS)."""
    total = 0
    for path in directory.glob("*.ndjson"):
        with path.open("rb") as handle:
            total += sum(1 for _ in handle)
    return total


def _cpu() -> float:
    """CPU seconds of this process (user + system): the figure a loaded machine distorts least."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pipeline(engine: object, directory: Path, workers: int | None, curve: list[float]) -> int:
    """Run the import job; ``curve`` (the input's line count first) gets the job process's RSS
    (MB) after each tenth of the lines."""
    from gateway.ingest.ehr.importer import kick_off
    from gateway.ingest.ehr.provenance import SourceInfo
    from gateway.jobs.runner import run_job

    total, done = curve[0], [0]

    def progress(lines: int) -> None:
        done[0] += lines
        if done[0] * 10 >= total * len(curve):
            curve.append(rss_kb(os.getpid()) / 1024)

    source = SourceInfo("bench-ehr")
    job_id = kick_off(engine, [str(directory)], source, workers=workers)  # type: ignore[arg-type]
    job = run_job(engine, job_id, progress)  # type: ignore[arg-type]
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


def measure(mode: str, directory: Path, work: Path, workers: int | None) -> dict[str, Any]:
    """Run one load in a fresh process (a clean peak-RSS reading); print what it printed."""
    db = work / f"{mode}-{directory.name}.db"
    command = [sys.executable, "-m", "bench.ehr_bench", "--run", mode, str(directory), str(db)]
    out = subprocess.run(
        [*command, "" if workers is None else str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    *printed, last = out.stdout.rstrip().splitlines()
    for line in printed:
        print(line)
    result: dict[str, Any] = json.loads(last)
    return result


def main(argv: list[str] | None = None) -> int:
    """Print resources/s and peak RSS per size, against the bare-upsert baseline."""
    args = parse_args(argv)
    if args.run:
        mode, directory, db, workers = args.run
        count = int(workers) if workers else None
        print(json.dumps(run_once(mode, Path(directory), Path(db), count)))
        return 0
    print(f"load average at start: {_load()} ({os.cpu_count()} cores)")
    met = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for copies in (int(s) for s in args.sizes.split(",")):
            directory = work / f"x{copies}"
            lines = make_input(directory, copies)
            base = measure("baseline", directory, work, None)
            pipe = measure("pipeline", directory, work, args.workers)
            print(f"{copies:>3}x {lines:>7} lines | baseline bare upsert: {_figures(base)}")
            print(f"{'':>13}| import job:           {_figures(pipe)}")
            print(f"{'':>13}| ratio job/baseline (wall) {pipe['rate'] / base['rate']:.2f}")
            curve = " ".join(f"{mb:.0f}" for mb in pipe["rss_curve"])
            print(f"{'':>13}| job process RSS (MB) after each tenth of the input: {curve}")
            met.append(pipe["rate"] >= TARGET)
            if copies == 1:
                inline = measure("inline", directory, work, 0)
                print(f"{'':>13}| job, no workers:      {_figures(inline)}")
            if copies == 1 and not args.no_split:
                print("stage split, 1x, one process (CPU per resource, share of the run):")
                measure("split", directory, work, 0)
    verdict = "met" if all(met) else "NOT met"
    print(f"target >= {TARGET:.0f} resources/s on SQLite (wall, every size): {verdict}")
    print(f"load average at end: {_load()}")
    return 0


def _figures(r: dict[str, Any]) -> str:
    return (
        f"{r['rate']:6.0f} res/s wall, {r['cpu_rate']:6.0f} res/CPU-s (job process),"
        f" {r['total_cpu_rate']:6.0f} res/CPU-s (with workers),"
        f" peak RSS {r['peak_mb']:4.0f} MB (job) {r['worker_peak_mb']:4.0f} MB (largest worker)"
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
