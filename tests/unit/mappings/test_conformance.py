"""Mapped resources validate against their profiles, and the demo plan covers must-support.

One validator call covers a sample of every record kind (CONFORMANCE.md §2.8); the must-support
check maps a small generated demo plan and looks up every profile's must-support elements in
the StructureDefinition snapshots (§2.9, §4.6).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds.loader import feed_files, map_row, read_rows
from tests.integration.feeds.pool import small_pool
from tests.unit.mappings.conftest import Validator, validation_errors
from tests.unit.mappings.must_support import missing, must_support
from tests.unit.mappings.samples import SAMPLES, sample_json

pytestmark = pytest.mark.unit
STAMP = "2026-01-01T00:00:00Z"  # the store sets meta.lastUpdated; validation needs one


def _stamped(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "meta": {**resource["meta"], "lastUpdated": STAMP}}


def _with_contained(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The resource, then each contained resource on its own (the validator checks contained
    resources against base R4 only, not against the profiles they claim)."""
    standalone = [
        _stamped({**inner, "id": f"{resource['id']}-{inner['id']}"})
        for inner in resource.get("contained", [])
    ]
    return [resource, *standalone]


def test_every_record_kind_validates_against_its_profiles(fhir_validate: Validator) -> None:
    resources = [r for name in sorted(SAMPLES) for r in _with_contained(sample_json(name))]
    report = fhir_validate(*[_stamped(r) for r in resources])
    assert report["summary"]["resources"] == len(resources) > len(SAMPLES)
    assert not validation_errors(report), "\n".join(validation_errors(report))


def test_validator_catches_a_broken_eob(fhir_validate: Validator) -> None:
    broken = _stamped(sample_json("eob-pharmacy"))
    broken["supportingInfo"] = []
    report = fhir_validate(broken)
    assert validation_errors(report)


def test_validator_catches_a_broken_contained_resource(fhir_validate: Validator) -> None:
    claim = _stamped(sample_json("pasclaim-inpatient"))
    claim["contained"] = [{**claim["contained"][0], "status": "finished"}]  # PAS fixes planned
    assert not validation_errors(fhir_validate(claim))  # contained: base R4 only
    assert validation_errors(fhir_validate(*_with_contained(claim)))


@pytest.fixture(scope="module")
def demo_resources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The mapped resources of a 60-member demo plan, by claimed profile."""
    out: Path = tmp_path_factory.mktemp("demo")
    write_member_feeds(out, small_pool(), 60, seed=11)
    by_profile: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path, kind in feed_files([out]):
        for row in read_rows(path, kind):
            for resource in map_row(kind, row.data):
                for profile in resource["meta"]["profile"]:
                    by_profile[profile].append(_stamped(resource))
    return by_profile


def test_demo_plan_covers_every_profile_we_claim(
    demo_resources: dict[str, list[dict[str, Any]]],
) -> None:
    assert set(demo_resources) == {
        p for name in SAMPLES for p in sample_json(name)["meta"]["profile"]
    }


def test_must_support_paths_come_from_the_snapshot() -> None:
    ids = [
        e["id"]
        for e in must_support(
            "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage|2.0.0"
        )
    ]
    assert "Coverage.subscriberId" in ids
    assert "Coverage.class:plan.name" in ids


def test_demo_plan_populates_every_must_support_element(
    demo_resources: dict[str, list[dict[str, Any]]],
) -> None:
    gaps = {profile: missing(profile, resources) for profile, resources in demo_resources.items()}
    assert not {p: g for p, g in gaps.items() if g}, gaps


def test_demo_plan_validates_with_zero_errors(
    fhir_validate: Validator, demo_resources: dict[str, list[dict[str, Any]]]
) -> None:
    # 40 per profile keeps the run short and still covers the generator's variations
    unique = {
        r["id"]: r
        for resources in demo_resources.values()
        for resource in resources[:40]
        for r in _with_contained(resource)
    }
    report = fhir_validate(*unique.values())
    assert not validation_errors(report), "\n".join(validation_errors(report)[:20])
