"""SMART scope parsing: v1, v2, wildcards, granular filters -> TypeGrants."""

from __future__ import annotations

import pytest

from auth.context import TypeGrant
from auth.scopes import (
    allowed,
    grants_for,
    is_known,
    parse_resource_scope,
    resource_types,
    without_types,
)

pytestmark = pytest.mark.unit
LAB = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"
VITALS = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"


@pytest.mark.parametrize(
    ("scope", "letters"),
    [
        ("patient/Observation.rs", "rs"),
        ("patient/Observation.r", "r"),
        ("patient/Observation.cruds", "cruds"),
        ("patient/Observation.cud", "cud"),
        ("patient/*.read", "rs"),
        ("user/Coverage.read", "rs"),
        ("user/Coverage.write", "cud"),
        ("system/*.*", "cruds"),
    ],
)
def test_resource_scope_letters(scope: str, letters: str) -> None:
    parsed = parse_resource_scope(scope)
    assert parsed is not None
    assert parsed.interactions == frozenset(letters)


@pytest.mark.parametrize(
    "scope",
    [
        "patient/Observation.sr",  # letters out of cruds order
        "patient/Observation.rr",
        "patient/Observation.x",
        "patient/observation.rs",  # not a type name
        "clinic/Observation.rs",
        "patient/*.rs?category=x",  # a filter on a wildcard
        "patient/Observation.rs?",
        "Observation.read",
    ],
)
def test_malformed_scopes_are_not_resource_scopes(scope: str) -> None:
    assert parse_resource_scope(scope) is None


def test_granular_scope_becomes_a_filter() -> None:
    parsed = grants_for(f"patient/Observation.rs?category={LAB}", ("patient",))
    assert parsed.grants["Observation"] == TypeGrant(frozenset("rs"), ((("category", LAB),),))
    assert parsed.all_types is None


def test_two_granular_scopes_are_ored() -> None:
    scope = f"patient/Observation.rs?category={LAB} patient/Observation.rs?category={VITALS}"
    grant = grants_for(scope, ("patient",)).grants["Observation"]
    assert grant.filters == ((("category", LAB),), (("category", VITALS),))


def test_unfiltered_scope_wins_over_a_filtered_one() -> None:
    scope = f"patient/Observation.rs patient/Observation.rs?category={LAB}"
    assert grants_for(scope, ("patient",)).grants["Observation"] == TypeGrant(frozenset("rs"))


def test_wildcard_covers_a_filtered_type() -> None:
    parsed = grants_for(f"patient/*.rs patient/Observation.rs?category={LAB}", ("patient",))
    assert "Observation" not in parsed.grants
    assert parsed.all_types == TypeGrant(frozenset("rs"))


def test_filtered_letters_beyond_unfiltered_ones_filter_the_whole_type() -> None:
    grant = grants_for(f"patient/Observation.r patient/Observation.rs?category={LAB}", ("patient",))
    assert grant.grants["Observation"].filters == ((("category", LAB),),)


def test_other_contexts_are_ignored() -> None:
    parsed = grants_for("user/Coverage.rs system/*.cruds", ("patient",))
    assert parsed.grants == {}
    assert parsed.all_types is None


def test_letters_of_several_scopes_add_up() -> None:
    parsed = grants_for("patient/Coverage.r patient/Coverage.s", ("patient",))
    assert parsed.grants["Coverage"].interactions == frozenset("rs")


def test_without_types_removes_unticked_types_only() -> None:
    scope = "launch/patient patient/Observation.rs patient/Coverage.rs openid"
    assert without_types(scope, ["Observation"]) == "launch/patient patient/Coverage.rs openid"


def test_allowed_keeps_known_scopes_in_the_given_contexts() -> None:
    scope = "openid bogus patient/*.rs system/*.rs user/Coverage.rs"
    assert allowed(scope, ["patient"]) == "openid patient/*.rs"


def test_resource_types_lists_each_type_once() -> None:
    scope = f"patient/Observation.rs patient/Observation.rs?category={LAB} patient/*.rs"
    assert resource_types(scope) == ["Observation", "*"]


def test_is_known() -> None:
    assert is_known("offline_access")
    assert not is_known("admin")
