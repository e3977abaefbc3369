"""A synthetic plan: Patients, Coverages and ~3 KB ExplanationOfBenefits, written through the store.

Written with :class:`gateway.store.repository.Repository` in batched transactions, so the bodies,
versions and index rows are exactly what the gateway itself would store. Deterministic for a seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from gateway.store.migrate import upgrade
from gateway.store.repository import Repository
from mappings.ids import reference, resource_id

PLAN = "https://plan.example.org"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
CPT = "http://www.ama-assn.org/go/cpt"
SERVICES = ("99213", "99214", "80053", "85025", "93000", "71046", "36415", "81001", "87086")


@dataclass(frozen=True)
class Sizes:
    """How many resources of each kind to generate."""

    patients: int = 1000
    eobs: int = 20000
    batch: int = 500


def patient(n: int, rng: random.Random) -> dict[str, Any]:
    """A member as a Patient (base R4)."""
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 80 * 365))
    return {
        "resourceType": "Patient",
        "id": resource_id("member", f"bench-{n}"),
        "identifier": [{"system": f"{PLAN}/member-id", "value": f"BENCH{n:07d}"}],
        "active": True,
        "name": [{"family": f"Family{n % 397}", "given": [f"Given{n % 211}"]}],
        "gender": rng.choice(("female", "male")),
        "birthDate": born.isoformat(),
        "address": [{"line": [f"{n} Main St"], "city": "Springfield", "state": "IL"}],
    }


def coverage(n: int) -> dict[str, Any]:
    """The member's medical coverage."""
    member = reference("Patient", "member", f"bench-{n}")
    return {
        "resourceType": "Coverage",
        "id": resource_id("coverage", f"bench-{n}"),
        "status": "active",
        "subscriberId": f"S{n:07d}",
        "beneficiary": {"reference": member},
        "relationship": {"coding": [{"code": "self"}]},
        "payor": [{"reference": reference("Organization", "payer", "bench")}],
    }


def _money(value: float) -> dict[str, Any]:
    return {"value": round(value, 2), "currency": "USD"}


def _item(seq: int, served: date, rng: random.Random) -> dict[str, Any]:
    charged = rng.uniform(40, 900)
    allowed = charged * rng.uniform(0.4, 0.9)
    paid = allowed * 0.8
    adjudication = [
        {"category": {"coding": [{"system": ADJUDICATION, "code": code}]}, "amount": _money(v)}
        for code, v in (("submitted", charged), ("eligible", allowed), ("benefit", paid))
    ]
    code = rng.choice(SERVICES)
    return {
        "sequence": seq,
        "productOrService": {"coding": [{"system": CPT, "code": code}], "text": f"CPT {code}"},
        "servicedDate": served.isoformat(),
        "quantity": {"value": 1},
        "net": _money(charged),
        "adjudication": adjudication,
    }


def explanation_of_benefit(n: int, patients: int, rng: random.Random) -> dict[str, Any]:
    """A professional claim's EOB with several adjudicated lines (about 3 KB as JSON)."""
    member = n % patients
    served = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
    items = [_item(seq, served, rng) for seq in range(1, 4)]
    total = sum(i["net"]["value"] for i in items)
    return {
        "resourceType": "ExplanationOfBenefit",
        "id": resource_id("claim", f"bench-{n}"),
        "identifier": [{"system": f"{PLAN}/claim-id", "value": f"CLM{n:09d}"}],
        "status": "active",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "claim",
        "patient": {"reference": reference("Patient", "member", f"bench-{member}")},
        "billablePeriod": {"start": served.isoformat(), "end": served.isoformat()},
        "created": f"{(served + timedelta(days=3)).isoformat()}T10:00:00Z",
        "insurer": {"reference": reference("Organization", "payer", "bench")},
        "provider": {"reference": reference("Practitioner", "npi", f"bench-{n % 300}")},
        "outcome": "complete",
        "insurance": [
            {"focal": True, "coverage": {"reference": f"Coverage/{coverage(member)['id']}"}}
        ],
        "item": items,
        "total": [
            {
                "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
                "amount": _money(total),
            }
        ],
        "payment": {
            "amount": _money(total * 0.5),
            "date": (served + timedelta(days=20)).isoformat(),
        },
    }


PRACTITIONERS = 300  # the providers the EOBs name; public directory data


def practitioner(n: int) -> dict[str, Any]:
    """A provider the EOBs reference (base R4): the public read of the benchmark."""
    return {
        "resourceType": "Practitioner",
        "id": resource_id("npi", f"bench-{n}"),
        "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": f"{1000000000 + n}"}],
        "active": True,
        "name": [{"family": f"Provider{n}", "given": ["Pat"], "prefix": ["Dr."]}],
        "telecom": [{"system": "phone", "value": f"555-{n:04d}", "use": "work"}],
    }


def resources(sizes: Sizes, seed: int = 7) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every resource of the dataset as ``(type, body)``, practitioners and patients first."""
    rng = random.Random(seed)
    for n in range(PRACTITIONERS):
        yield "Practitioner", practitioner(n)
    for n in range(sizes.patients):
        yield "Patient", patient(n, rng)
        yield "Coverage", coverage(n)
    for n in range(sizes.eobs):
        yield "ExplanationOfBenefit", explanation_of_benefit(n, sizes.patients, rng)


def load(engine: Engine, sizes: Sizes) -> list[str]:
    """Migrate, write the dataset into an empty store in batched transactions; ``Type/id`` paths."""
    upgrade(engine)
    paths: list[str] = []
    batch: list[tuple[str, dict[str, Any]]] = []
    started = time.perf_counter()
    for item in resources(sizes):
        batch.append(item)
        if len(batch) >= sizes.batch:
            paths += _write(engine, batch)
            batch = []
    paths += _write(engine, batch)
    seconds = time.perf_counter() - started
    print(f"  loaded {len(paths)} resources in {seconds:.1f} s ({len(paths) / seconds:.0f}/s)")
    return paths


def _write(engine: Engine, batch: list[tuple[str, dict[str, Any]]]) -> list[str]:
    with engine.begin() as conn:
        repo = Repository(conn)
        for rtype, body in batch:
            repo.create(rtype, body, resource_id=body["id"])
    return [f"{rtype}/{body['id']}" for rtype, body in batch]
