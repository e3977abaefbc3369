"""CPU cost of the validate (marshmallow) and map stages of a feed load, per feed kind.

Generates the demo plan's member-side feeds (1,000 members by default; ``--feeds DIR`` reuses
a folder, so that two code versions read the same rows), reads their rows once, then times in
CPU seconds of this process (``time.process_time``) the schema load of every row (validate) and
the mapping of every loaded record (map), in the loader's batches, best of ``--repeat``
passes. No database, no structure check, no index: only the two stages. Never a timed test.
Run: ``.venv/bin/python -m bench.prepare_bench``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.load_bench import bench_pool
from gateway.collector import batch_collector
from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.loader import BATCH_ROWS
from gateway.ingest.feeds.prepare import read_rows
from gateway.ingest.feeds.registry import feed_kinds

# Per kind: name, rows, resources, validate CPU s, map CPU s.
Figures = tuple[str, int, int, float, float]


def _stages(kind: FeedKind, rows: list[Any]) -> tuple[float, float]:
    """CPU seconds of validate and map over ``rows``, in batches like a load's."""
    schema = kind.schema()
    validate = mapped = 0.0
    for first in range(0, len(rows), BATCH_ROWS):
        started = time.process_time()
        records = [schema.load(row) for row in rows[first : first + BATCH_ROWS]]
        loaded = time.process_time()
        for record in records:
            kind.to_fhir(record)
        validate += loaded - started
        mapped += time.process_time() - loaded
    return validate, mapped


def _kind_rows(feeds: Path) -> list[tuple[FeedKind, list[Any]]]:
    """The good rows of every feed file, with the kind that reads them."""
    found = []
    for kind in feed_kinds():
        rows = [
            row.data
            for path in sorted(feeds.glob(kind.file_pattern))
            for row in read_rows(path, kind)
            if not isinstance(row.data, str)
        ]
        if rows:
            found.append((kind, rows))
    return found


def measure(feeds: Path, passes: int) -> list[Figures]:
    """Per kind: rows, resources, and the least validate and map CPU seconds over passes."""
    results = []
    with batch_collector():
        for kind, rows in _kind_rows(feeds):
            schema = kind.schema()
            resources = sum(len(list(kind.to_fhir(schema.load(row)))) for row in rows)
            times = [_stages(kind, rows) for _ in range(passes)]
            validate = min(t[0] for t in times)
            mapped = min(t[1] for t in times)
            results.append((kind.name, len(rows), resources, validate, mapped))
    return results


def report(results: Sequence[Figures]) -> None:
    """Print one line per kind and the total, in CPU seconds and microseconds per row."""
    print(
        f"{'kind':<16}{'rows':>7}{'res':>7}{'validate s':>12}{'us/row':>8}{'map s':>8}{'us/row':>8}"
    )
    for name, rows, res, validate, mapped in [*results, _total(results)]:
        print(
            f"{name:<26}{rows:>7}{res:>7}{validate:>12.3f}{validate / rows * 1e6:>8.0f}"
            f"{mapped:>8.3f}{mapped / rows * 1e6:>8.0f}"
        )


def _total(
    results: Sequence[Figures],
) -> tuple[str, int, int, float, float]:
    return (
        "total",
        sum(r[1] for r in results),
        sum(r[2] for r in results),
        sum(r[3] for r in results),
        sum(r[4] for r in results),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="passes per stage; the best counts")
    parser.add_argument(
        "--feeds", type=Path, help="read the feeds in this folder (writing them if it is empty)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feeds = args.feeds or Path(tmp)
        if not any(feeds.glob("*")):
            write_member_feeds(feeds, bench_pool(), args.members, 1)
        report(measure(feeds, args.repeat))


if __name__ == "__main__":
    main()
