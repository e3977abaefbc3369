"""Index extraction benchmark: CPU µs per resource of ``gateway.search.extract.extract``.

Run ``.venv/bin/python bench/extract_bench.py [--rounds N]``. Resources: the
mapped ExplanationOfBenefit golden files (tests/golden/members/eob-*.json), the Synthea
NDJSON export (../shared/data/synthea-10-patients) and the Synthea patient Bundles
(../shared/data/synthea-bundles, which add Observations with components, Claims, EOBs).
CPU time (``time.process_time``), best of ``--rounds``, per resource type.
Value caches are emptied before every round, so repeats count only within one pass, as in
a load. Compare against an earlier commit by running this file there too (same session).
A benchmark, never a timed test: it prints figures and ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from gateway.search import dates, extract  # noqa: E402

Resource = dict[str, Any]


def resources() -> Iterator[tuple[str, Resource]]:
    """(group, resource) for every resource of the benchmark set."""
    for path in sorted((ROOT / "tests" / "golden" / "members").glob("eob-*.json")):
        yield "mapped EOB", orjson.loads(path.read_bytes())
    for path in sorted((SHARED / "data" / "synthea-10-patients").glob("*.ndjson")):
        for line in path.read_bytes().splitlines():
            body = orjson.loads(line)
            if "resourceType" in body and path.name != "log.ndjson":
                yield "synthea-ndjson", body
    for path in sorted((SHARED / "data" / "synthea-bundles").glob("*.json")):
        bundle = orjson.loads(path.read_bytes())
        for entry in bundle.get("entry") or ():
            yield "synthea-bundles", entry["resource"]


def _forget() -> None:
    """Empty the value caches, so every round sees the data for the first time (like a load)."""
    cache_clear = getattr(dates.date_range, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


def _time(fn: Callable[[str, Mapping[str, Any]], Any], items: list[Resource], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        _forget()
        start = time.process_time()
        for body in items:
            fn(body["resourceType"], body)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1e6


def main() -> None:
    """Print µs per resource per group and per type."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    groups: dict[str, list[Resource]] = defaultdict(list)
    types: dict[str, list[Resource]] = defaultdict(list)
    for group, body in resources():
        groups[group].append(body)
        types[body["resourceType"]].append(body)
    everything = [b for items in groups.values() for b in items]
    for body in everything:  # warm the registry and the compiled plans
        extract.extract(body["resourceType"], body)
    print(f"{'set':<28}{'n':>6}{'µs/resource':>14}")
    rows = [*groups.items(), ("all", everything), *sorted(types.items())]
    for name, items in rows:
        print(f"{name:<28}{len(items):>6}{_time(extract.extract, items, args.rounds):>14.1f}")


if __name__ == "__main__":
    main()
