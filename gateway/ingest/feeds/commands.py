"""``gateway feeds load DIR|FILE...`` and ``gateway feeds map DIR --ndjson OUT`` (DESIGN D8)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from config import load_settings
from gateway.ingest.feeds.loader import (
    LoadReport,
    default_workers,
    feed_files,
    load_paths,
    map_row,
    read_rows,
)
from gateway.store.engine import make_engine

SHOWN_ERRORS = 50


def register(subparsers: Any) -> None:
    """Add ``gateway feeds load`` and ``gateway feeds map``."""
    feeds = subparsers.add_parser("feeds", help="load internal plan feeds into the FHIR store")
    actions = feeds.add_subparsers(dest="feeds_command", required=True)
    load = actions.add_parser("load", help="load feed files (or directories of them)")
    load.add_argument("paths", nargs="+", type=Path)
    load.add_argument("--batch", type=_positive, default=500, help="rows per transaction")
    load.add_argument(
        "--workers",
        type=_positive,
        default=default_workers(),
        help="processes preparing rows (default: the idle CPUs, at most 4; 1: none)",
    )
    load.add_argument(
        "--check-every",
        action="store_true",
        help="check every resource with the FHIR models, not once per element shape (ADR 0004)",
    )
    load.set_defaults(func=_load)
    mapped = actions.add_parser("map", help="map feed files to FHIR NDJSON without storing")
    mapped.add_argument("paths", nargs="+", type=Path)
    mapped.add_argument("--ndjson", type=Path, required=True, help="output file")
    mapped.set_defaults(func=_map)


def _positive(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _load(args: argparse.Namespace) -> int:
    files = feed_files(args.paths)
    if not files:
        print("no feed files found")
        return 2
    total = sum(_count_rows(path, kind.file_format) for path, kind in files)
    engine = make_engine(load_settings()["DATABASE_URL"])
    started = time.perf_counter()
    try:
        with tqdm(total=total, unit="row", desc="feeds") as bar:
            report = load_paths(
                engine,
                args.paths,
                batch_rows=args.batch,
                progress=bar.update,
                workers=args.workers,
                check_every=args.check_every,
            )
    finally:
        engine.dispose()
    print(summary(report, time.perf_counter() - started))
    return 1 if report.rejected else 0


def summary(report: LoadReport, wall: float) -> str:
    """The closing summary: counts, throughput, the stage split and the first rejected rows.

    Stages up to serialize are CPU seconds summed over the preparing processes, write is wall
    seconds (``gateway.ingest.feeds.report.STAGES``).
    """
    rate = report.resources / max(wall, 1e-9)
    lines = [
        f"rows {report.rows}: created {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}, rejected rows {report.rejected}",
        f"{report.resources} resources in {wall:.1f} s ({rate:.0f}/s); "
        + ", ".join(f"{stage} {sec:.1f} s" for stage, sec in report.seconds.items()),
    ]
    lines += [f"  {e.file}:{e.line} {e.field}: {e.reason}" for e in report.errors[:SHOWN_ERRORS]]
    if len(report.errors) > SHOWN_ERRORS:
        lines.append(f"  ... {len(report.errors) - SHOWN_ERRORS} more")
    return "\n".join(lines)


def _map(args: argparse.Namespace) -> int:
    written = 0
    seen: set[tuple[str, str]] = set()
    with args.ndjson.open("wb") as out:
        for path, kind in feed_files(args.paths):
            for row in read_rows(path, kind):
                if isinstance(row.data, str):
                    continue
                for resource in map_row(kind, row.data):
                    key = (resource["resourceType"], resource["id"])
                    if key not in seen:
                        seen.add(key)
                        out.write(orjson.dumps(resource) + b"\n")
                        written += 1
    print(f"{written} resources written to {args.ndjson}")
    return 0


def _count_rows(path: Path, file_format: str) -> int:
    with path.open("rb") as handle:
        lines = sum(1 for _ in handle)
    return lines - 1 if file_format == "csv" else lines
