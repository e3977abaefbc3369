"""Chains, ``_has``, ``_include`` and ``_revinclude`` follow our references, not another server's.

``https://other.example/fhir/Coverage/cov-1`` names a Coverage of another server, even though a
local Coverage has the id ``cov-1``: it must never bring that local resource in, nor make the
EOB match a chain through it (CONFORMANCE 2.4: reference matches are exact).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.search.conftest import Search, dataset, ids

pytestmark = pytest.mark.integration


def _eob(eob_id: str, coverage: str) -> dict[str, Any]:
    return {
        "resourceType": "ExplanationOfBenefit",
        "id": eob_id,
        "status": "active",
        "type": {"coding": [{"system": "urn:t", "code": "professional"}]},
        "use": "claim",
        "patient": {"reference": "Patient/pat-1"},
        "created": "2024-01-01",
        "insurer": {"display": "Plan"},
        "provider": {"display": "Provider"},
        "outcome": "complete",
        "insurance": [{"focal": True, "coverage": {"reference": coverage}}],
    }


RESOURCES = [
    {"resourceType": "Patient", "id": "pat-1"},
    {
        "resourceType": "Coverage",
        "id": "cov-1",
        "status": "active",
        "beneficiary": {"reference": "Patient/pat-1"},
        "payor": [{"display": "Plan"}],
    },
    _eob("eob-local", "Coverage/cov-1"),
    _eob("eob-foreign", "https://other.example/fhir/Coverage/cov-1"),
]

search_engine = dataset(RESOURCES)


def test_a_chain_follows_only_our_references(run: Search) -> None:
    assert ids(run("ExplanationOfBenefit", ("coverage.status", "active"))) == {"eob-local"}


def test_has_follows_only_our_references(run: Search) -> None:
    found = run("Coverage", ("_has:ExplanationOfBenefit:coverage:status", "active"))
    assert ids(found) == {"cov-1"}
    nothing_local = run("Coverage", ("_has:ExplanationOfBenefit:coverage:_id", "eob-foreign"))
    assert ids(nothing_local) == set()


def test_include_follows_only_our_references(run: Search) -> None:
    foreign = run(
        "ExplanationOfBenefit",
        ("_id", "eob-foreign"),
        ("_include", "ExplanationOfBenefit:coverage"),
    )
    assert ids(foreign) == {"eob-foreign"}
    assert ids(foreign, "include") == set()
    local = run(
        "ExplanationOfBenefit", ("_id", "eob-local"), ("_include", "ExplanationOfBenefit:coverage")
    )
    assert ids(local, "include") == {"cov-1"}


def test_revinclude_follows_only_our_references(run: Search) -> None:
    found = run("Coverage", ("_id", "cov-1"), ("_revinclude", "ExplanationOfBenefit:coverage"))
    assert ids(found, "include") == {"eob-local"}
