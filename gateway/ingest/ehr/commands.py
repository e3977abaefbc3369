"""``gateway ehr import PATH... [--source NAME]`` and ``gateway ehr review`` (list / resolve)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tqdm import tqdm

from config import load_settings
from gateway.errors import FhirError
from gateway.ingest.ehr import review
from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.sources import count_lines, expand
from gateway.jobs import store
from gateway.jobs.runner import run_job
from gateway.store.engine import make_engine


def register(subparsers: Any) -> None:
    """Add ``gateway ehr ...``."""
    ehr = subparsers.add_parser("ehr", help="EHR feeds: import files, review unmatched patients")
    sub = ehr.add_subparsers(dest="ehr_command", required=True)
    imp = sub.add_parser("import", help="import NDJSON files or Bundles as a persisted job")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    imp.add_argument("--source", default="ehr", help="the feed's stable name")
    imp.add_argument("--organization", default=None, help="the sender's display name")
    imp.add_argument(
        "--workers",
        type=_count,
        default=None,
        help="processes that check and index lines (0: none; default: one per core)",
    )
    imp.set_defaults(func=_import)
    rev = sub.add_parser("review", help="list or resolve patients waiting for review")
    rev.add_argument("--resolve", metavar="ID", help="the review item to resolve")
    group = rev.add_mutually_exclusive_group()
    group.add_argument("--member", metavar="PATIENT_ID", help="attach to this member Patient")
    group.add_argument("--reject", action="store_true", help="reject and discard held data")
    rev.set_defaults(func=_review)


def _import(args: argparse.Namespace) -> int:
    engine = make_engine(load_settings()["DATABASE_URL"])
    total = sum(count_lines(p) for p in expand(args.paths))
    source = SourceInfo(args.source, args.organization)
    job_id = kick_off(engine, args.paths, source, workers=args.workers)
    with tqdm(total=total, unit="res", desc=f"job {job_id[:8]}") as bar:
        job = run_job(engine, job_id, bar.update)
    with engine.connect() as conn:
        issues = store.issues(conn, job_id, 20)
    engine.dispose()
    if job is None:
        print(f"job {job_id} was taken by another worker")
        return 1
    print(f"job {job.id}: {job.status}")
    print("  " + ", ".join(f"{k}={v}" for k, v in sorted(job.counts.items())))
    for issue in issues:
        print(f"  {issue.file}:{issue.line}: {issue.message}")
    return 0 if job.status == store.SUCCEEDED else 1


def _count(text: str) -> int:
    """A whole number >= 0 (argparse type)."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError("expected a whole number, 0 or more")
    return int(text)


def _review(args: argparse.Namespace) -> int:
    engine = make_engine(load_settings()["DATABASE_URL"])
    try:
        if args.resolve:
            if not (args.member or args.reject):
                print("--resolve needs --member PATIENT_ID or --reject")
                return 2
            with engine.begin() as conn:
                result = review.resolve(conn, args.resolve, None if args.reject else args.member)
            print(json.dumps(result, indent=2))
        else:
            with engine.connect() as conn:
                print(json.dumps(review.queue(conn), indent=2))
    except FhirError as error:
        print(f"error: {error.diagnostics}")
        return 1
    finally:
        engine.dispose()
    return 0
