"""``gateway demo generate OUT_DIR`` and ``gateway demo load [--if-empty]``."""

from __future__ import annotations

import argparse
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
    engine = make_engine(load_settings()["DATABASE_URL"])
    try:
        if args.if_empty and not database_is_empty(engine):
            print("database already holds resources: demo load skipped")
            return 0
        if not (args.feed_dir / MANIFEST).exists():
            print(f"generating the demo plan into {args.feed_dir}")
            _generate(
                argparse.Namespace(out_dir=args.feed_dir, members=args.members, seed=args.seed)
            )
        with tqdm(total=feed_rows(args.feed_dir), unit="rows", desc="loading demo") as bar:
            report = load_plan(engine, args.feed_dir, progress=bar.update)
        secret_file = seed_logins(engine)
        ehr = import_ehr(engine)
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
