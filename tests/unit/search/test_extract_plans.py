"""Compiled extraction plans against the FHIRPath engine and the slow reference forms."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.search.dates import date_range
from gateway.search.expressions import compile_expression, compile_paths
from gateway.search.extract import extract
from gateway.search.plans import _compiled, plan
from gateway.search.registry import param
from gateway.search.values import MAX_TEXT, fold

pytestmark = pytest.mark.unit

RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"


def _patient(*inner: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p", "extension": [{"url": RACE, "extension": inner}]}


PATIENTS = [
    _patient(
        {"url": "ombCategory", "valueCoding": {"system": "urn:oid:x", "code": "2106-3"}},
        {"url": "detailed", "valueCoding": {"code": "1586-7"}},
        {"url": "text", "valueString": "White"},
    ),
    _patient({"url": "odd", "valueQuantity": {"value": 1, "code": "mg"}}),
    _patient({"url": "odd", "valueCode": "not-a-child"}),
    {"resourceType": "Patient", "id": "p", "extension": [{"url": "urn:other", "valueCode": "x"}]},
    {"resourceType": "Patient", "id": "p"},
]


def test_choice_followed_by_a_child_forks_one_path_per_child_type() -> None:
    paths = compile_paths(f"Patient.extension.where(url='{RACE}').extension.value.code", "Patient")
    assert paths is not None
    lasts = sorted(str(path[-1]["a"]) for path in paths)
    assert lasts == ["[['code', 'CodeableConcept']]", "[['code', 'Coding']]", "[['code', 'code']]"]
    # a single-path API cannot express the fork
    single = compile_expression(f"Patient.extension.where(url='{RACE}').value.code", "Patient")
    assert single is None


@pytest.mark.parametrize("code", ["race", "ethnicity", "gender-identity"])
@pytest.mark.parametrize("body", PATIENTS)
def test_compiled_extension_paths_select_what_fhirpath_selects(
    code: str, body: dict[str, Any]
) -> None:
    sp = param("Patient", code)
    assert sp is not None
    compiled = next(p for p in plan("Patient") if p.code == code)
    assert compiled.first == frozenset({"extension"})  # compiled, not the engine
    selected = [node for node, _kind in compiled.nodes(body)]
    assert selected == _compiled(sp.expression)(dict(body))


def _fold_reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()[:MAX_TEXT]


@given(st.text(max_size=300))
def test_fold_equals_the_unicode_reference_for_any_text(text: str) -> None:
    assert fold(text) == _fold_reference(text)


def test_fold_of_ascii_and_accented_text() -> None:
    assert fold("Smith-JONES") == "smith-jones"
    assert fold("Müller Straße") == "muller strasse"


def test_dates_before_the_year_1000_keep_four_year_digits() -> None:
    assert date_range("0999-03-04") == ("0999-03-04T00:00:00.000000", "0999-03-04T23:59:59.999999")
    low, high = date_range("0001")
    assert (low, high) == ("0001-01-01T00:00:00.000000", "0001-12-31T23:59:59.999999")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "code",
        "component",
        "valueQuantity",
        "position",
        "subject",
        "extension",
        "name",
        "address",
        "effectiveDateTime",
        "item",
        "patient",
        "latitude",
        "longitude",
        "coding",
        "value",
        "url",
    ]
)


@pytest.mark.parametrize("rtype", ["Observation", "Location", "Patient", "ExplanationOfBenefit"])
@settings(deadline=None)  # the first call builds the type's plan
@given(body=st.dictionaries(KEYS, JSON | st.dictionaries(KEYS, JSON, max_size=3), max_size=6))
def test_extraction_never_fails_on_odd_json(rtype: str, body: dict[str, Any]) -> None:
    """Any JSON shape where a FHIR element was expected gives rows or none, never an error."""
    rows = extract(rtype, {**body, "resourceType": rtype, "id": "x"})
    for kind, kind_rows in rows.rows.items():
        assert all(isinstance(row[0], str) for row in kind_rows), kind
