"""The demo network, generated once per test session into a temporary directory, and mapped."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from gateway.ingest.demo.network import write_network_feeds
from gateway.ingest.demo.pool import ProviderPool
from gateway.ingest.feeds.registry import kind_named

NETWORK_FILES = (
    "endpoints",
    "organizations",
    "networks",
    "locations",
    "practitioners",
    "healthcare_services",
    "practitioner_roles",
    "organization_affiliations",
    "insurance_plans",
)


def generate(out_dir: Path) -> ProviderPool:
    """Write the demo network feeds into ``out_dir``."""
    pool, _counts = write_network_feeds(out_dir)
    return pool


def rows(out_dir: Path, name: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The first ``limit`` rows of one feed file."""
    with (out_dir / f"{name}.jsonl").open() as handle:
        return [json.loads(line) for line in itertools.islice(handle, limit)]


def mapped(out_dir: Path, name: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The FHIR resources of the first ``limit`` rows of a feed file, through schema and mapping."""
    kind = kind_named(name)
    schema = kind.schema()
    return [dict(r) for row in rows(out_dir, name, limit) for r in kind.to_fhir(schema.load(row))]


def stamped(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource with the meta.lastUpdated the store adds on write."""
    return {**resource, "meta": {**resource["meta"], "lastUpdated": "2026-11-23T12:00:00.000Z"}}
