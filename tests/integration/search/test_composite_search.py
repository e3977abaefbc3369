"""Composite parameters over repeating elements: components must match in ONE element.

Table-driven: each row lists exactly the ids that must match; every other Observation of
the dataset must not, so each row is also a negative test. The ``trap`` Observation has a
systolic component with a low value and a diastolic one with a high value: a loose
implementation (components matched anywhere in the resource) would return it.
https://hl7.org/fhir/R4/search.html#composite
"""

from __future__ import annotations

from typing import Any

import pytest

from auth.context import AccessContext, TypeGrant
from gateway.search.capability import search_capability
from tests.integration.search.conftest import Search, dataset, ids

pytestmark = pytest.mark.integration

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
SYSTOLIC, DIASTOLIC, WEIGHT = "8480-6", "8462-4", "29463-7"


def _cc(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _mmhg(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}


def _bp(rid: str, systolic: float, diastolic: float, patient: str = "p1") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": _cc(LOINC, "85354-9"),
        "subject": {"reference": f"Patient/{patient}"},
        "component": [
            {"code": _cc(LOINC, SYSTOLIC), "valueQuantity": _mmhg(systolic)},
            {"code": _cc(LOINC, DIASTOLIC), "valueQuantity": _mmhg(diastolic)},
        ],
    }


RESOURCES: list[dict[str, Any]] = [
    {"resourceType": "Patient", "id": "p1"},
    {"resourceType": "Patient", "id": "p2"},
    _bp("bp-high", 150, 95),
    _bp("bp-normal", 120, 80, patient="p2"),
    _bp("trap", 80, 150),
    {
        "resourceType": "Observation",
        "id": "weight",
        "status": "final",
        "code": _cc(LOINC, WEIGHT),
        "subject": {"reference": "Patient/p1"},
        "valueQuantity": {"value": 90, "unit": "kg", "system": UCUM, "code": "kg"},
    },
    {
        "resourceType": "Observation",
        "id": "concepts",
        "status": "preliminary",
        "code": _cc(LOINC, "72166-2"),
        "component": [
            {"code": _cc(LOINC, "A-1"), "valueCodeableConcept": _cc(SNOMED, "111")},
            {"code": _cc(LOINC, "B-2"), "valueCodeableConcept": _cc(SNOMED, "222")},
        ],
    },
    {"resourceType": "Observation", "id": "empty", "status": "final", "code": _cc(LOINC, "x")},
]


search_engine = dataset(RESOURCES)


CCVQ = "component-code-value-quantity"
CASES: list[tuple[str, list[tuple[str, str]], set[str]]] = [
    ("same-component", [(CCVQ, f"{LOINC}|{SYSTOLIC}$gt140")], {"bp-high"}),
    ("code-only-token", [(CCVQ, f"{SYSTOLIC}$gt100")], {"bp-high", "bp-normal"}),
    ("other-component", [(CCVQ, f"{DIASTOLIC}$gt140")], {"trap"}),
    ("value-in-the-other-component", [(CCVQ, f"{SYSTOLIC}$150")], {"bp-high"}),
    ("never-crossed", [(CCVQ, f"{SYSTOLIC}$ge150")], {"bp-high"}),
    ("or", [(CCVQ, f"{SYSTOLIC}$gt140,{DIASTOLIC}$gt140")], {"bp-high", "trap"}),
    ("and", [(CCVQ, f"{SYSTOLIC}$gt100"), (CCVQ, f"{DIASTOLIC}$lt90")], {"bp-normal"}),
    ("units-match", [(CCVQ, f"{SYSTOLIC}$gt140|{UCUM}|mm[Hg]")], {"bp-high"}),
    ("units-differ", [(CCVQ, f"{SYSTOLIC}$gt140|{UCUM}|kg")], set()),
    ("wrong-system", [(CCVQ, f"{SNOMED}|{SYSTOLIC}$gt140")], set()),
    ("with-reference", [("patient", "p2"), (CCVQ, f"{SYSTOLIC}$gt100")], {"bp-normal"}),
    ("with-status", [("status", "final"), (CCVQ, f"{DIASTOLIC}$gt90")], {"bp-high", "trap"}),
    ("combo-value", [("combo-code-value-quantity", f"{WEIGHT}$gt80")], {"weight"}),
    ("combo-component", [("combo-code-value-quantity", f"{SYSTOLIC}$gt140")], {"bp-high"}),
    ("combo-crossed", [("combo-code-value-quantity", f"{DIASTOLIC}$lt90")], {"bp-normal"}),
    ("component-not-value", [(CCVQ, f"{WEIGHT}$gt80")], set()),
    ("concept", [("component-code-value-concept", f"A-1${SNOMED}|111")], {"concepts"}),
    ("concept-crossed", [("component-code-value-concept", "A-1$222")], set()),
    ("combo-concept", [("combo-code-value-concept", "B-2$222")], {"concepts"}),
]


@pytest.mark.parametrize(("name", "params", "expected"), CASES, ids=[c[0] for c in CASES])
def test_composite_matches_exactly(
    run: Search, name: str, params: list[tuple[str, str]], expected: set[str]
) -> None:
    assert ids(run("Observation", *params)) == expected


def test_composite_in_a_chain_pairs_components_on_the_target(run: Search) -> None:
    found = run("Patient", ("_has:Observation:patient:" + CCVQ, f"{SYSTOLIC}$gt140"))
    assert ids(found) == {"p1"}
    assert ids(run("Patient", ("_has:Observation:patient:" + CCVQ, f"{SYSTOLIC}$lt90"))) == {
        "p1"
    }  # the trap is p1's: its systolic is 80


def test_composite_search_is_restricted_to_the_patient_compartment(run: Search) -> None:
    rs = TypeGrant(frozenset("rs"))
    member = AccessContext(kind="patient", patient_id="p2", grants={"Observation": rs})
    assert ids(run("Observation", (CCVQ, f"{SYSTOLIC}$gt100"), ctx=member)) == {"bp-normal"}
    assert ids(run("Observation", (CCVQ, f"{SYSTOLIC}$gt140"), ctx=member)) == set()


def test_capability_statement_lists_the_grouped_composites() -> None:
    names = {p["name"] for p in search_capability("Observation")["searchParam"]}
    assert {CCVQ, "component-code-value-concept", "combo-code-value-quantity"} <= names
    document = {p["name"] for p in search_capability("DocumentReference")["searchParam"]}
    assert "relationship" not in document  # its R4 definition names components wrongly
