"""``gateway demo generate OUT_DIR`` and ``gateway demo load [--if-empty]``."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from tqdm import tqdm

from config import load_settings
from gateway.ingest.demo.extras import import_ehr, seed_logins
from gateway.ingest.demo.plan import (
    DEFAULT_FEED_DIR,
    MANIFEST,
    database_is_empty,
    feed_rows,
    generate_plan,
    load_plan,
)
from gateway.store.engine import make_engine

# One line per database (hashed URL): the demo's load began there / finished there. A database
# with data but no "started" line is someone else's and is never loaded into by --if-empty.
STARTED_STAMP = "loading.stamp"
LOADED_STAMP = "loaded.stamp"


def register(subparsers: Any) -> None:
    """Add ``gateway demo generate`` and ``gateway demo load``."""
    demo = subparsers.add_parser("demo", help="generate and load the demo health plan")
    commands = demo.add_subparsers(dest="demo_command", required=True)
    generate = commands.add_parser("generate", help="write the demo feed files")
    generate.add_argument("out_dir", type=Path)
    _sizes(generate)
    generate.set_defaults(func=_generate)
    load = commands.add_parser("load", help="load the demo feed files into the database")
    load.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    load.add_argument("--dir", type=Path, default=DEFAULT_FEED_DIR, dest="feed_dir")
    _sizes(load)
    load.set_defaults(func=_load)


def _stamp_value(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def stamped(feed_dir: Path, name: str, url: str) -> bool:
    """True when stamp ``name`` in ``feed_dir`` names the database at ``url``."""
    path = feed_dir / name
    return path.exists() and _stamp_value(url) in path.read_text().split()


def stamp(feed_dir: Path, name: str, url: str) -> None:
    """Add the database at ``url`` (hashed) to stamp ``name`` in ``feed_dir``."""
    if not stamped(feed_dir, name, url):
        with (feed_dir / name).open("a") as handle:
            handle.write(_stamp_value(url) + "\n")


def _sizes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)


def _generate(args: argparse.Namespace) -> int:
    summary = generate_plan(args.out_dir, args.members, args.seed)
    for name, count in sorted(summary.rows.items()):
        print(f"{name}: {count} rows")
    for note in summary.notes:
        print(f"note: {note}")
    return 0


def _load(args: argparse.Namespace) -> int:
    url = str(load_settings()["DATABASE_URL"])
    engine = make_engine(url)
    try:
        if args.if_empty and not database_is_empty(engine):
            if not stamped(args.feed_dir, STARTED_STAMP, url) or stamped(
                args.feed_dir, LOADED_STAMP, url
            ):
                print("database already holds resources: demo load skipped")
                return 0
            print("resuming an interrupted demo load (loading is idempotent)")
        if not (args.feed_dir / MANIFEST).exists():
            print(f"generating the demo plan into {args.feed_dir}")
            _generate(
                argparse.Namespace(out_dir=args.feed_dir, members=args.members, seed=args.seed)
            )
        stamp(args.feed_dir, STARTED_STAMP, url)
        with tqdm(total=feed_rows(args.feed_dir), unit="rows", desc="loading demo") as bar:
            report = load_plan(engine, args.feed_dir, progress=bar.update)
        secret_file = seed_logins(engine)
        ehr = import_ehr(engine)
        stamp(args.feed_dir, LOADED_STAMP, url)
    finally:
        engine.dispose()
    print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected rows {report.rejected}"
    )
    print("EHR data: " + ", ".join(f"{k} {v}" for k, v in sorted(ehr.items())))
    print(f"demo logins and apps: docs/auth.md; the confidential app's secret is in {secret_file}")
    for error in report.errors[:20]:
        print(f"  {error.file}:{error.line} {error.field}: {error.reason}")
    return 1 if report.rejected else 0
