"""The benchmark dataset: Patients, Coverages and ExplanationOfBenefit of about 3 KB each."""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

from sqlalchemy.engine import Engine

from gateway.store.repository import Repository

FAMILIES = ["Smith", "Jones", "Garcia", "Nguyen", "Okafor", "Müller", "Rossi", "Kowalski"]


def _patient(n: int) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": f"pat-{n}",
        "identifier": [{"system": "urn:member", "value": f"M{n:06d}"}],
        "name": [{"family": f"{FAMILIES[n % 8]}{n}", "given": ["Alex"]}],
        "gender": "female" if n % 2 else "male",
        "birthDate": f"19{50 + n % 50}-0{1 + n % 9}-1{n % 10}",
    }


def _coverage(n: int) -> dict[str, Any]:
    return {
        "resourceType": "Coverage",
        "id": f"cov-{n}",
        "status": "active",
        "beneficiary": {"reference": f"Patient/pat-{n}"},
        "payor": [{"reference": "Organization/plan"}],
    }


def _eob(n: int, patients: int, rng: random.Random) -> dict[str, Any]:
    p = n % patients
    day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
    items = [
        {
            "sequence": i + 1,
            "productOrService": {
                "coding": [
                    {
                        "system": "http://www.ama-assn.org/go/cpt",
                        "code": str(99200 + rng.randint(0, 99)),
                        "display": "Office or other outpatient visit",
                    }
                ]
            },
            "servicedDate": day,
            "adjudication": [
                {
                    "category": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                                "code": code,
                            }
                        ]
                    },
                    "amount": {"value": round(rng.uniform(10, 500), 2), "currency": "USD"},
                }
                for code in ("submitted", "eligible", "benefit", "copay")
            ],
        }
        for i in range(3)
    ]
    return {
        "resourceType": "ExplanationOfBenefit",
        "id": f"eob-{n}",
        "status": "active",
        "use": "claim",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "identifier": [{"system": "urn:claim", "value": uuid.UUID(int=n).hex}],
        "patient": {"reference": f"Patient/pat-{p}"},
        "billablePeriod": {"start": day, "end": day},
        "created": f"{day}T12:00:00Z",
        "insurer": {"reference": "Organization/plan"},
        "provider": {"reference": f"Practitioner/prac-{n % 50}"},
        "outcome": "complete",
        "insurance": [{"focal": True, "coverage": {"reference": f"Coverage/cov-{p}"}}],
        "item": items,
        "total": [
            {
                "category": {"coding": [{"code": "submitted"}]},
                "amount": {"value": 100.0, "currency": "USD"},
            }
        ],
    }


def load(engine: Engine, patients: int, eobs: int) -> float:
    """Write the dataset through the Repository in batches; the rate in resources/s."""
    rng = random.Random(4)
    bodies: list[dict[str, Any]] = [{"resourceType": "Organization", "id": "plan", "name": "Plan"}]
    bodies += [
        {"resourceType": "Practitioner", "id": f"prac-{n}", "name": [{"family": f"Doc{n}"}]}
        for n in range(50)
    ]
    bodies += [_patient(n) for n in range(patients)] + [_coverage(n) for n in range(patients)]
    bodies += (_eob(n, patients, rng) for n in range(eobs))
    start = time.perf_counter()
    for at in range(0, len(bodies), 500):
        with engine.begin() as conn:
            repo = Repository(conn)
            for body in bodies[at : at + 500]:
                repo.create(body["resourceType"], body, resource_id=body["id"])
    return len(bodies) / (time.perf_counter() - start)
