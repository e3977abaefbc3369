"""``gateway reindex``: rebuild the search index from the stored bodies, in batches.

Run after a registry change (a new or changed SearchParameter is a data change, DESIGN D4).
Each batch is one transaction; a tqdm bar shows progress on the terminal.
"""

from __future__ import annotations

import argparse
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from config import load_settings
from gateway.store.engine import make_engine
from gateway.store.indexing import write_index_many
from gateway.store.tables import resource


def register(subparsers: Any) -> None:
    """Add the ``reindex`` sub-command."""
    parser = subparsers.add_parser("reindex", help="rebuild the search index")
    parser.add_argument("--type", dest="types", action="append", help="only this resource type")
    parser.add_argument("--batch", type=int, default=500, help="resources per transaction")
    parser.set_defaults(func=_reindex)


def _reindex(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings["DATABASE_URL"])
    try:
        done = reindex(engine, args.types, args.batch, progress=True)
    finally:
        engine.dispose()
    print(f"re-indexed {done} resources")
    return 0


def _live(types: list[str] | None) -> Any:
    live = resource.c.deleted.is_(False)
    return live & resource.c.res_type.in_(types) if types else live


def reindex(
    engine: Engine, types: list[str] | None = None, batch: int = 500, progress: bool = False
) -> int:
    """Re-extract the index rows of every live resource (optionally of some types)."""
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).where(_live(types))).scalar_one())
    done, last = 0, 0
    with tqdm(total=total, unit="res", disable=not progress) as bar:
        while True:
            with engine.begin() as conn:
                count, last = _batch(conn, types, last, batch)
            if not count:
                return done
            done += count
            bar.update(count)


def _batch(conn: Connection, types: list[str] | None, after: int, size: int) -> tuple[int, int]:
    rows = conn.execute(
        select(resource.c.rid, resource.c.res_type, resource.c.body)
        .where(_live(types), resource.c.rid > after)
        .order_by(resource.c.rid)
        .limit(size)
    ).all()
    if not rows:
        return 0, after
    write_index_many(conn, [(r[0], r[1], orjson.loads(r[2])) for r in rows])
    return len(rows), rows[-1][0]
