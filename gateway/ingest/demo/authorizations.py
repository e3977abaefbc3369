"""Deterministic demo prior authorizations in every status (feeds ``authorizations.jsonl``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from gateway.ingest.demo.authorization_details import pas_details
from gateway.ingest.demo.pool import ProviderPool

STATUSES = ("approved", "approved", "approved", "partial", "denied", "pended", "cancelled")
SERVICES = (
    ("professional", "1", "cpt", "97110", 12, 95.0),  # physical therapy visits
    ("professional", "MR", "cpt", "70553", 1, 1400.0),  # MRI brain
    ("institutional", "2", "cpt", "27447", 1, 32000.0),  # total knee replacement
    ("professional", "12", "hcpcs", "E0601", 1, 900.0),  # CPAP device
    ("professional", "A4", "cpt", "90837", 20, 160.0),  # psychotherapy sessions
)
DIAGNOSES = ("M54.50", "G47.33", "M17.11", "F41.1", "R51.9")


def authorizations_for(
    rng: random.Random, member: dict[str, Any], pool: ProviderPool, today: date
) -> Iterator[dict[str, Any]]:
    """Prior authorizations for a member; demo members get one in every status."""
    statuses = list(dict.fromkeys(STATUSES)) if member.get("_all_types") else []
    if not statuses and rng.random() < 0.3:
        statuses = [rng.choice(STATUSES)]
    practitioners = [p for p in pool.providers if p.kind == "practitioner"] or list(pool.providers)
    organizations = [p for p in pool.providers if p.kind == "organization"] or list(pool.providers)
    for n, status in enumerate(statuses, start=1):
        row = _authorization(rng, member, practitioners, status, today, n)
        organization = rng.choice(organizations)
        row["requesting_organization_npi"] = organization.npi
        # the facility where the service happens: the requesting organization's location
        row["facility_location_key"] = next(iter(organization.location_keys), None)
        yield row | pas_details(row, member, organization)


def _authorization(
    rng: random.Random,
    member: dict[str, Any],
    practitioners: list[Any],
    status: str,
    today: date,
    n: int,
) -> dict[str, Any]:
    claim_type, service_type, system, code, units, price = rng.choice(SERVICES)
    requested = today - timedelta(days=rng.randint(5, 700))
    decided = requested + timedelta(days=rng.randint(1, 10))
    start = decided + timedelta(days=1)
    approved = {"approved": units, "partial": max(units // 2, 1)}.get(status, 0)
    return {
        "auth_number": f"{member['member_id']}-PA{n:02d}",
        "member_id": member["member_id"],
        "coverage_key": member["coverage_key"],
        "payer_key": member["payer_key"],
        "payer_name": member["payer_name"],
        "status": status,
        "claim_type": claim_type,
        "service_type": service_type,
        "code_system": system,
        "code": code,
        "level_of_service": rng.choice(("U", "E", "E")),
        "request_date": requested.isoformat(),
        "decision_date": None if status == "pended" else decided.isoformat(),
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=90)).isoformat(),
        "requested_quantity": float(units),
        "approved_quantity": float(approved),
        "used_quantity": float(rng.randint(0, approved)),
        "requested_amount": round(units * price, 2),
        "approved_amount": round(approved * price, 2),
        "requesting_npi": rng.choice(practitioners).npi,
        "servicing_npi": rng.choice(practitioners).npi,
        "diagnosis": rng.choice(DIAGNOSES),
        "denial_reason": "197" if status == "denied" else None,
        "review_reason": "AA" if status == "denied" else None,
        "previous_auth_number": f"{member['member_id']}-PA00" if status == "partial" else None,
    }
