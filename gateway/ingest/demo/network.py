"""Build the demo provider network feed files from the NPPES sample; return the provider pool.

The files are our own directory feed formats (docs/feeds/), so the demo loads through the
same schemas, mappings and store writes as a plan's real feeds. Deterministic.
"""

from __future__ import annotations

from pathlib import Path

from gateway.ingest.demo.network_payers import (
    PAYER_KEY,
    PAYER_NAME,
    coverage_areas,
    network_rows,
    own_plans,
    payer_rows,
    plan_rows,
)
from gateway.ingest.demo.network_providers import build_providers
from gateway.ingest.demo.pool import ProviderPool
from gateway.ingest.nppes import TAXONOMY_FILE, read_taxonomy, write_jsonl

NPPES_SAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "nppes-sample"


def write_network_feeds(
    out_dir: Path, source: Path = NPPES_SAMPLE
) -> tuple[ProviderPool, dict[str, int]]:
    """Write every directory feed file into ``out_dir``; the pool and the rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    taxonomy = read_taxonomy(source / TAXONOMY_FILE)
    rows = build_providers(source, taxonomy)
    payers, portals = payer_rows(source)
    locations = [*coverage_areas(), *rows.locations.values()]
    files = {
        "endpoints": [*portals, *rows.endpoints],
        "organizations": [*payers, *rows.organizations],
        "networks": network_rows(source),
        "locations": locations,
        "practitioners": rows.practitioners,
        "healthcare_services": rows.services,
        "practitioner_roles": rows.roles,
        "organization_affiliations": rows.affiliations,
        "insurance_plans": list(plan_rows(source)),
    }
    counts = {name: write_jsonl(out_dir / f"{name}.jsonl", items) for name, items in files.items()}
    pool = ProviderPool(PAYER_KEY, PAYER_NAME, own_plans(), tuple(rows.providers))
    return pool, counts
