"""Malformed and unsupported searches answer 400 with an OperationOutcome naming the parameter."""

from __future__ import annotations

import pytest

from gateway.errors import InvalidSearch
from tests.integration.search.conftest import Search, ids

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("rtype", "params", "expression"),
    [
        ("Patient", [("birthdate", "2020-13-45")], "birthdate"),
        ("Patient", [("birthdate", "xx2020")], "birthdate"),
        ("Patient", [("_count", "abc")], "_count"),
        ("Patient", [("gender:below", "male")], "gender:below"),
        ("Patient", [("name:text", "x")], "name:text"),
        ("Patient", [("_sort", "colour")], "_sort"),
        ("Patient", [("_summary", "maybe")], "_summary"),
        ("Patient", [("_total", "some")], "_total"),
        ("Patient", [("_include", "Patient")], "_include"),
        ("Patient", [("_include", "Patient:gender")], "_include"),
        ("RiskAssessment", [("probability", "abc")], "probability"),
        ("Observation", [("value-quantity", "1|2")], "value-quantity"),
        ("Patient", [("gender:missing", "maybe")], "gender:missing"),
        ("Patient", [("_has:Observation:nope:status", "final")], "_has:Observation:nope:status"),
        ("Patient", [("gender.name", "x")], "gender.name"),
        ("Patient", [("_page", "not-a-token")], "_page"),
        (
            "Observation",
            [("component-code-value-quantity", "x$1$2")],
            "component-code-value-quantity",
        ),
        (
            "Observation",
            [("component-code-value-quantity:missing", "true")],
            "component-code-value-quantity:missing",
        ),
        ("DocumentReference", [("relationship", "replaces$DocumentReference/1")], "relationship"),
        ("Group", [("characteristic-value", "gender$male")], "characteristic-value"),
        ("Location", [("near", "abc|1|2|km")], "near"),
        ("Location", [("near", "91|0|1|km")], "near"),
        ("Location", [("near", "10|181")], "near"),
        ("Location", [("near", "10|20|5|furlong")], "near"),
        ("Location", [("near", "10|20|-5|km")], "near"),
        ("Location", [("near", "10")], "near"),
        ("Location", [("near", "10|20|5|km|x")], "near"),
        ("Location", [("near:exact", "10|20|5|km")], "near:exact"),
        ("Location", [("_sort", "near")], "_sort"),
        ("Observation", [("code:in", "http://example.org/vs")], "code:in"),
        ("Observation", [("code:not-in", "http://example.org/vs")], "code:not-in"),
        ("Observation", [("code:above", "http://loinc.org|8302-2")], "code:above"),
        ("Observation", [("code:below", "http://loinc.org|8302-2")], "code:below"),
        ("Observation", [("code-value-quantity", "x")], "code-value-quantity"),
        ("Observation", [("code-value-quantity", "x$abc")], "code-value-quantity"),
    ],
)
def test_bad_search_is_400_naming_the_parameter(
    run: Search, rtype: str, params: list[tuple[str, str]], expression: str
) -> None:
    with pytest.raises(InvalidSearch) as caught:
        run(rtype, *params)
    assert caught.value.status == 400
    assert caught.value.outcome()["issue"][0]["expression"] == [expression]


def test_unknown_parameter_with_strict_handling_is_400(run: Search) -> None:
    with pytest.raises(InvalidSearch) as caught:
        run("Patient", ("colour", "blue"), prefer="handling=strict")
    assert caught.value.expression == ("colour",)


def test_unknown_parameter_with_lenient_handling_is_ignored(run: Search) -> None:
    assert ids(
        run("Patient", ("colour", "blue"), ("gender", "male"), prefer="handling=lenient")
    ) == {"pat-bob"}


def test_system_search_without_type_is_400(run: Search) -> None:
    with pytest.raises(InvalidSearch):
        run(None, ("_id", "x"))
