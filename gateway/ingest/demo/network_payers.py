"""Demo payers, coverage areas, networks, endpoints and benefit plans (docs/feeds/plans.md).

Sources: ``managing_orgs_data.csv`` and ``sample-nppes-network_20181204-data.csv`` from the
NPPES sample, plus our own plan's five lines of business.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gateway.ingest.demo.pool import Plan
from gateway.ingest.nppes import Row, address, phone, read_csv
from gateway.ingest.nppes_geography import boundary

MANAGING_ORGS_FILE = "managing_orgs_data.csv"
NETWORKS_FILE = "sample-nppes-network_20181204-data.csv"
PAYER_KEY = "9990210000"
PAYER_NAME = "Acme Insurance Co"
STATES = ("CT", "MA", "RI")
# Coverage text of the sample files -> our coverage-area Location keys.
AREAS = {"MA": "area-MA", "Massachusetts": "area-MA", "CT": "area-CT", "Connecticut": "area-CT"}
AREAS |= {"RI": "area-RI", "Rhode Island": "area-RI", "Greater Boston Area": "area-boston"}
AREAS |= {"Greater Hartford Area": "area-hartford"}
# Our own networks and plans cover the whole region: one coverage area, so one reference.
REGION = "area-NE"
STATE_PPO = {"MA": "HPID010000", "CT": "HPID040000", "RI": "HPID070000"}
OWN_NETWORKS = {
    "ACME-HMO-NET": "Acme Select HMO Network",
    "ACME-MEDICAID-NET": "Acme Community Care Medicaid Network",
    "ACME-MEDICARE-NET": "Acme Medicare Advantage Network",
}
# Our plan's five lines of business: (key, name, lob, product type, metal level, networks).
OWN_PLANS = (
    ("ACME-HMO", "Acme Select HMO", "HMO", "commhmo", "gold", ("ACME-HMO-NET",)),
    ("ACME-PPO", "Acme Choice PPO", "PPO", "commppo", "platinum", tuple(STATE_PPO.values())),
    (
        "ACME-MEDICAID",
        "Acme Community Care",
        "MEDICAID",
        "medi",
        "lowdeductible",
        ("ACME-MEDICAID-NET",),
    ),
    (
        "ACME-MEDICARE-ADVANTAGE",
        "Acme Medicare Advantage",
        "MEDICARE_ADVANTAGE",
        "mediadv",
        "lowdeductible",
        ("ACME-MEDICARE-NET",),
    ),
    ("ACME-QHP", "Acme Marketplace Silver", "QHP", "qhp", "silver", ("ACME-HMO-NET", "HPID040000")),
)


def coverage_areas() -> list[Row]:
    """Coverage-area Locations: the three states and two metro areas, with GeoJSON boundaries."""
    rows = [
        _area(f"area-{state}", f"State of {name}", state, capital, None, 0.7)
        for state, name, capital in (
            ("CT", "Connecticut", "Hartford"),
            ("MA", "Massachusetts", "Boston"),
            ("RI", "Rhode Island", "Providence"),
        )
    ]
    rows.append(_area(REGION, "Southern New England", "CT", "Hartford", None, 1.6))
    rows.append(_area("area-boston", "Greater Boston Area", "MA", "Boston", "area-MA", 0.3))
    rows.append(_area("area-hartford", "Greater Hartford Area", "CT", "Hartford", "area-CT", 0.3))
    return rows


def _area(key: str, name: str, state: str, city: str, partof: str | None, size: float) -> Row:
    zip_code = {"CT": "06106", "MA": "02133", "RI": "02903"}[state]
    return {
        "key": key,
        "name": name,
        "type_code": None,
        "description": f"Coverage area: {name}",
        "address": {"lines": [], "city": city, "state": state, "postal_code": zip_code},
        "partof_key": partof,
        "boundary_geojson": boundary(state, size),
    }


def payer_rows(source: Path) -> tuple[list[Row], list[Row]]:
    """Payer and health-system organizations, and a portal endpoint for each payer."""
    orgs: dict[str, Row] = {}
    for row in read_csv(source / MANAGING_ORGS_FILE):
        if row["id"] in orgs:
            continue
        kind = "prvgrp" if row["type"] == "prov" else "payer"
        orgs[row["id"]] = {
            "key": row["id"],
            "name": row["name"].strip(),
            "org_type": kind,
            "phone": phone(row["phone"]),
            "url": row["url"].strip() or None,
            "address": address([row["address"]], row["city"], row["state"], row["zip"], row["id"]),
            "partof_key": row["partof_id"] or None,
            "description": row["description"] or f"{row['name'].strip()} ({kind})",
            "contact": {"name": "Provider Relations", "phone": phone(row["phone"])},
            "coverage_area_keys": [AREAS[row["coverage"]]] if row["coverage"] in AREAS else [],
            "endpoint_keys": [f"portal-{row['id']}"] if kind == "payer" else [],
        }
    endpoints = [_portal(org) for org in orgs.values() if org["org_type"] == "payer"]
    return list(orgs.values()), endpoints


def _portal(org: Row) -> Row:
    return {
        "key": f"portal-{org['key']}",
        "name": f"{org['name']} member and provider portal",
        "address": f"https://portal.example.org/{org['key']}",
        "connection_type": "rest-non-fhir",
        "managing_org_key": org["key"],
        "usecase": "HOPERAT",
        "mime_types": ["text/html"],
        "contact_email": f"portal-{org['key']}@example.org",
    }


def network_rows(source: Path) -> list[Row]:
    """The sample networks and our own three networks."""
    rows = [
        _network(r["hpid"], r["name"], r["alias"], r["partof_id"], r, [AREAS[r["coverage"]]])
        for r in read_csv(source / NETWORKS_FILE)
    ]
    hq = {"phone": "888-545-5205", "address": "9900 Bren Road East", "city": "Minnetonka"}
    hq |= {"state": "MN", "zip": "55343"}
    for key, name in OWN_NETWORKS.items():
        rows.append(_network(key, name, key, PAYER_KEY, hq, [REGION]))
    return rows


def _network(
    key: str, name: str, alias: str, owner: str, r: dict[str, str], areas: list[str]
) -> Row:
    return {
        "key": key,
        "name": name.strip(),
        "aliases": [" ".join(alias.split())],
        "owner_key": owner,
        "phone": phone(r["phone"]),
        "address": address([r["address"]], r["city"], r["state"], r["zip"], key),
        "contact": {"name": "Network Management", "phone": phone(r["phone"])},
        "coverage_area_keys": areas,
        "endpoint_keys": [f"portal-{owner}"],
    }


def plan_rows(source: Path) -> Iterator[Row]:
    """The sample plans of ``managing_orgs_data.csv`` and our five lines of business."""
    for r in read_csv(source / MANAGING_ORGS_FILE):
        if r["is_plan"] != "TRUE":
            continue
        metal = r["plan_type"] if r["plan_type"] in ("bronze", "silver", "gold") else "bronze"
        yield {
            "key": r["plan_id"],
            "name": r["plan_name"].strip(),
            "aliases": [r["plan_alias"].strip()],
            "product_type": "commhmo" if "HMO" in r["plan_alias"] else "commppo",
            "plan_type": metal,
            "owner_key": r["id"],
            "administrator_key": r["plan_manager_id"],
            "network_keys": [r["network_id"]],
            "coverage_area_keys": [AREAS[r["coverage"]]] if r["coverage"] in AREAS else [],
            "identifier": r["plan_id"],
            "start": "2026-01-01",
            "end": "2026-12-31",
            "contact": {"name": "Member Services", "phone": phone(r["phone"])},
            "endpoint_keys": [f"portal-{r['id']}"] if r["type"] in ("pay", "ins") else [],
        }
    for plan in own_plans():
        yield _own_plan_row(plan)


def own_plans() -> tuple[Plan, ...]:
    """Our plan's benefit plans as the member generator sees them."""
    return tuple(Plan(key, name, lob, nets) for key, name, lob, _p, _m, nets in OWN_PLANS)


def _own_plan_row(plan: Plan) -> Row:
    product, metal = next((p, m) for k, _n, _l, p, m, _ in OWN_PLANS if k == plan.key)
    return {
        "key": plan.key,
        "name": plan.name,
        "aliases": [plan.line_of_business.replace("_", " ").title()],
        "product_type": product,
        "plan_type": metal,
        "owner_key": PAYER_KEY,
        "administrator_key": PAYER_KEY,
        "network_keys": list(plan.network_keys),
        "coverage_area_keys": [REGION],
        "identifier": f"{plan.key}-2026",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "contact": {"name": "Acme Member Services", "phone": "888-545-5205"},
        "endpoint_keys": [f"portal-{PAYER_KEY}"],
    }
