"""Golden files: each directory record kind maps to exactly the stored FHIR JSON.

Regenerate after an intended mapping change with
``GATEWAY_UPDATE_GOLDEN=1 pytest tests/unit/directory/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mappings import network, plans, providers, providers_locations, providers_roles
from mappings.models import to_json
from tests.unit.directory import samples

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "directory"

CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "practitioner": (providers.to_practitioner, samples.PRACTITIONER),
    "organization": (providers.to_organization, samples.ORGANIZATION),
    "network": (network.to_network, samples.NETWORK),
    "location": (providers_locations.to_location, samples.LOCATION),
    "coverage-area": (providers_locations.to_location, samples.AREA),
    "practitioner-role": (providers_roles.to_practitioner_role, samples.ROLE),
    "healthcare-service": (providers_roles.to_healthcare_service, samples.SERVICE),
    "organization-affiliation": (network.to_organization_affiliation, samples.AFFILIATION),
    "endpoint": (providers_locations.to_endpoint, samples.ENDPOINT),
    "insurance-plan": (plans.to_insurance_plan, samples.PLAN),
}


def mapped_samples() -> dict[str, dict[str, Any]]:
    """Every sample record mapped to FHIR JSON, by golden-file name."""
    return {name: to_json(to_model(record)) for name, (to_model, record) in CASES.items()}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(CASES))
def test_mapping_matches_golden_file(name: str) -> None:
    to_model, record = CASES[name]
    produced = to_json(to_model(record))
    path = GOLDEN / f"{name}.json"
    if os.environ.get("GATEWAY_UPDATE_GOLDEN"):
        path.write_text(json.dumps(produced, indent=2, sort_keys=True) + "\n")
    assert produced == json.loads(path.read_text())


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(CASES))
def test_feed_json_equals_the_validated_model_json(name: str) -> None:
    to_model, record = CASES[name]
    module = __import__(to_model.__module__, fromlist=["_"])
    as_json = getattr(module, to_model.__name__.removeprefix("to_") + "_json")
    assert as_json(record) == to_json(to_model(record))
