"""The demo plan: generate every feed file (network, then members and claims) and load them.

``gateway demo generate`` and ``gateway demo load --if-empty`` (``make run``) call these.
Deterministic for a given ``members`` and ``seed``; the network is fixed by the NPPES sample.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gateway.ingest.demo.network import NPPES_SAMPLE, write_network_feeds
from gateway.ingest.feeds.loader import LoadReport, default_workers, load_paths
from gateway.store.tables import resource

DEFAULT_FEED_DIR = Path("instance/demo-feeds")
MANIFEST = "demo-plan.json"
MEMBERS_MODULE = "gateway.ingest.demo.members"


@dataclass
class PlanSummary:
    """What ``generate_plan`` wrote: rows per feed file, and what it could not generate."""

    members: int
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def generate_plan(
    out_dir: Path, members: int = 1000, seed: int = 7, source: Path = NPPES_SAMPLE
) -> PlanSummary:
    """Write the network feeds (from NPPES), then the member and claim feeds, into ``out_dir``."""
    pool, rows = write_network_feeds(out_dir, source)
    summary = PlanSummary(members, seed, rows)
    try:
        write_member_feeds = import_module(MEMBERS_MODULE).write_member_feeds
    except (ModuleNotFoundError, AttributeError):
        summary.notes.append("member generator not available yet: network feeds only")
    else:
        written = write_member_feeds(out_dir, pool, members, seed)
        if isinstance(written, dict):
            summary.rows |= written
    manifest = {"members": members, "seed": seed, "rows": summary.rows, "notes": summary.notes}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return summary


def load_plan(
    engine: Engine, feed_dir: Path, progress: Callable[[int], None] | None = None
) -> LoadReport:
    """Load every feed file of ``feed_dir`` in feed-kind order through the generic loader."""
    return load_paths(engine, [feed_dir], progress=progress, workers=default_workers())


def database_is_empty(engine: Engine) -> bool:
    """True when the store holds no resource at all."""
    with engine.connect() as conn:
        return conn.execute(select(resource.c.rid).limit(1)).first() is None


def feed_rows(feed_dir: Path) -> int:
    """The number of rows in the feed files of ``feed_dir`` (progress totals)."""
    total = 0
    for path in sorted(feed_dir.iterdir()):
        if path.suffix in (".jsonl", ".csv") and path.is_file():
            with path.open("rb") as handle:
                lines = sum(1 for _ in handle)
            total += lines - (1 if path.suffix == ".csv" else 0)
    return total
