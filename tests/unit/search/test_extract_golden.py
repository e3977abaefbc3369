"""Golden comparison of index extraction over the Synthea data and the mapped EOBs.

The digests were produced by the generic path walker before extraction was compiled into
per-type plans; the compiled extraction must give exactly the same rows, in the same order.
Rows added later for new features (grouped composite rows ``code$i``, ``near`` positions) are
left out of the digest and tested on their own. Regenerate after an intended change with
``GATEWAY_UPDATE_GOLDEN=1 pytest tests/unit/search/test_extract_golden.py`` and say why.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from gateway.search.extract import IndexRows, extract
from tests.conftest import SHARED

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden" / "search" / "extract-digests.json"
DATA = SHARED / "data"
# Index kinds and parameter codes that did not exist when the digests were taken.
NEW_KINDS = frozenset({"position"})


def resources() -> Iterator[dict[str, Any]]:
    """The mapped EOB golden files, the Synthea NDJSON export and the Synthea Bundles."""
    for path in sorted((ROOT / "tests" / "golden" / "members").glob("eob-*.json")):
        yield orjson.loads(path.read_bytes())
    for path in sorted((DATA / "synthea-10-patients").glob("*.ndjson")):
        if path.name != "log.ndjson":
            yield from map(orjson.loads, path.read_bytes().splitlines())
    for path in sorted((DATA / "synthea-bundles").glob("*.json")):
        for entry in orjson.loads(path.read_bytes()).get("entry") or ():
            yield entry["resource"]


def canonical(rows: IndexRows) -> bytes:
    """The rows of the kinds and parameters the digests cover, as bytes."""
    kept = {
        kind: [list(r) for r in kind_rows if "$" not in r[0]]
        for kind, kind_rows in rows.rows.items()
        if kind not in NEW_KINDS
    }
    body = {"rows": {k: v for k, v in kept.items() if v}, "patients": sorted(rows.patients)}
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def digests() -> dict[str, dict[str, Any]]:
    """Per resource type: how many resources and rows, and the SHA-256 of all their rows."""
    hashes: dict[str, Any] = defaultdict(hashlib.sha256)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for body in resources():
        rtype = body["resourceType"]
        rows = extract(rtype, body)
        hashes[rtype].update(canonical(rows) + b"\n")
        counts[rtype][0] += 1
        counts[rtype][1] += sum(len(v) for v in rows.rows.values())
    return {
        t: {"resources": counts[t][0], "rows": counts[t][1], "sha256": hashes[t].hexdigest()}
        for t in sorted(hashes)
    }


def test_extraction_gives_the_golden_rows_for_every_resource_type() -> None:
    produced = digests()
    if os.environ.get("GATEWAY_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(produced, indent=2, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert {t: d["sha256"] for t, d in produced.items()} == {
        t: d["sha256"] for t, d in expected.items()
    }
    assert {t: d["resources"] for t, d in produced.items()} == {
        t: d["resources"] for t, d in expected.items()
    }
