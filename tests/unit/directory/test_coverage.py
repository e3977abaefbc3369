"""The demo network populates every Plan-Net must-support element and every kit search.

Requirement: CONFORMANCE §2.9 (must support) and §5.4 (searches, includes, revincludes);
the element and search lists come from the Plan-Net 1.1.0 package, not from this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fhirpathpy
import pytest

from gateway.ingest.demo.pool import ProviderPool
from tests.unit.directory import must_support, network_data, plannet_ig

ROWS_PER_FILE = 250
NETWORK_CS = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/OrgTypeCS"


@pytest.fixture(scope="module")
def resources(network_dir: Path, pool: ProviderPool) -> list[dict[str, Any]]:
    """The first rows of every demo network feed, mapped (all rows of the small files)."""
    found: list[dict[str, Any]] = []
    for name in network_data.NETWORK_FILES:
        found += network_data.mapped(network_dir, name, ROWS_PER_FILE)
    return found


def claiming(resources: list[dict[str, Any]], profile: str) -> list[dict[str, Any]]:
    """The resources whose meta.profile claims the Plan-Net profile."""
    url = plannet_ig.PLANNET_SD + profile
    return [r for r in resources if url in r.get("meta", {}).get("profile", [])]


@pytest.mark.unit
@pytest.mark.parametrize("profile", plannet_ig.PROFILES)
def test_every_must_support_element_is_populated(
    profile: str, resources: list[dict[str, Any]]
) -> None:
    instances = claiming(resources, profile)
    assert instances, f"no resource claims {profile}"
    missing = [
        element_id
        for element_id in plannet_ig.must_support_ids(profile)
        if not must_support.populated(profile, element_id, instances)
    ]
    assert missing == [], missing


@pytest.mark.unit
@pytest.mark.parametrize("entry", plannet_ig.capability_resources(), ids=lambda e: str(e["type"]))
def test_every_plannet_search_parameter_has_values(
    entry: dict[str, Any], resources: list[dict[str, Any]]
) -> None:
    instances = [r for r in resources if r["resourceType"] == entry["type"]]
    assert instances
    empty = []
    for param in entry.get("searchParam", []):
        expression = plannet_ig.search_expression(entry["type"], param["name"])
        if expression is None:  # _id, _lastUpdated: every resource has them
            continue
        if not any(fhirpathpy.evaluate(r, expression) for r in instances):
            empty.append(param["name"])
    assert empty == []


@pytest.mark.unit
def test_organizations_and_networks_are_told_apart_by_type(
    resources: list[dict[str, Any]],
) -> None:
    networks = claiming(resources, "plannet-Network")
    organizations = claiming(resources, "plannet-Organization")

    def is_network(r: dict[str, Any]) -> bool:
        return any(
            c["system"] == NETWORK_CS and c["code"] == "ntwk"
            for t in r.get("type", [])
            for c in t["coding"]
        )

    assert networks
    assert all(is_network(r) for r in networks)
    assert not any(is_network(r) for r in organizations)


# Row fields that name another feed's source key -> (feed, key field) of the target.
TARGETS = {
    "organization_key": ("organizations", "key"),
    "managing_org_key": ("organizations", "key"),
    "primary_org_key": ("organizations", "key"),
    "participating_org_key": ("organizations", "key"),
    "owner_key": ("organizations", "key"),
    "administrator_key": ("organizations", "key"),
    "location_keys": ("locations", "key"),
    "coverage_area_keys": ("locations", "key"),
    "service_keys": ("healthcare_services", "key"),
    "network_keys": ("networks", "key"),
    "endpoint_keys": ("endpoints", "key"),
    "practitioner_npi": ("practitioners", "npi"),
}


@pytest.mark.unit
def test_every_reference_in_the_network_resolves(network_dir: Path, pool: ProviderPool) -> None:
    keys = {
        (feed, field): {row[field] for row in network_data.rows(network_dir, feed)}
        for feed, field in set(TARGETS.values())
    }
    dangling = []
    for feed in network_data.NETWORK_FILES:
        for row in network_data.rows(network_dir, feed):
            for name, target in TARGETS.items():
                values = row.get(name) or []
                values = [values] if isinstance(values, str) else values
                dangling += [(feed, name, v) for v in values if v not in keys[target]]
            if row.get("partof_key"):
                parent = "locations" if feed == "locations" else "organizations"
                if row["partof_key"] not in keys[(parent, "key")]:
                    dangling.append((feed, "partof_key", row["partof_key"]))
    assert dangling == []


@pytest.mark.unit
def test_pool_offers_five_lines_of_business_and_in_network_providers(
    pool: ProviderPool,
) -> None:
    lines = {plan.line_of_business for plan in pool.plans}
    assert lines == {"HMO", "PPO", "MEDICAID", "MEDICARE_ADVANTAGE", "QHP"}
    kinds = {provider.kind for provider in pool.providers}
    assert kinds == {"practitioner", "organization", "pharmacy"}
    plan_networks = {key for plan in pool.plans for key in plan.network_keys}
    assert all(set(p.network_keys) & plan_networks for p in pool.providers)
    assert len({p.npi for p in pool.providers}) == len(pool.providers)
