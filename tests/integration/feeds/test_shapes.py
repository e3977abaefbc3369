"""The structure check once per element shape (ADR 0004), and its check-every option."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gateway.fhir import StructureIssue
from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds import shapes
from gateway.ingest.feeds.kind import FeedKind, MappedResources
from gateway.ingest.feeds.loader import default_workers, load_file, load_paths
from gateway.ingest.feeds.registry import kind_named
from gateway.ingest.feeds.shapes import ShapeCheck, element_shapes
from gateway.store.tables import resource
from tests.integration.feeds.pool import small_pool


def _patient(**extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "name": [{"family": "Ames"}], **extra}


@pytest.mark.unit
def test_shape_ignores_values_and_repeated_items() -> None:
    one = _patient(name=[{"family": "Ames", "given": ["Ann"]}])
    two = _patient(id="p2", name=[{"family": "Bo", "given": ["Bea", "Bel"]}] * 3)
    assert set(element_shapes(one)) == set(element_shapes(two))


@pytest.mark.unit
@pytest.mark.parametrize(
    "other",
    [
        _patient(active="true"),  # a string where the first has a boolean
        _patient(active=True, gender="female"),  # one more element
        _patient(active=True, name={"family": "Ames"}),  # an object where an array was
    ],
)
def test_shape_differs_on_kind_or_elements(other: dict[str, Any]) -> None:
    assert set(element_shapes(_patient(active=True))) != set(element_shapes(other))


@pytest.mark.unit
def test_items_with_different_choices_differ_from_one_item_with_both() -> None:
    apart = _patient(extension=[{"url": "a", "valueString": "x"}, {"url": "b", "valueCode": "y"}])
    both = _patient(extension=[{"url": "a", "valueString": "x", "valueCode": "y"}])
    assert not set(element_shapes(apart)).issuperset(element_shapes(both))


@pytest.mark.unit
def test_contained_resources_are_shaped_by_their_type() -> None:
    encounter = _patient(contained=[{"resourceType": "Encounter", "id": "e", "status": "x"}])
    other = _patient(contained=[{"resourceType": "Location", "id": "e", "status": "x"}])
    assert not set(element_shapes(encounter)).issuperset(element_shapes(other))


@pytest.mark.unit
def test_a_resource_type_outside_a_resource_key_is_an_ordinary_key() -> None:
    plain = _patient(name=[{"family": "Ames"}])
    odd = _patient(name=[{"family": "Ames", "resourceType": "Encounter"}])
    assert not set(element_shapes(plain)).issuperset(element_shapes(odd))


@pytest.mark.unit
def test_array_item_kinds_are_part_of_the_shape() -> None:
    strings = _patient(name=[{"given": ["Ann", "Bea"]}])
    mixed = _patient(name=[{"given": ["Ann", {"x": "y"}]}])
    numbers = _patient(name=[{"given": [1]}])
    assert not set(element_shapes(strings)).issuperset(element_shapes(mixed))
    assert not set(element_shapes(strings)).issuperset(element_shapes(numbers))


@pytest.mark.unit
def test_known_elements_in_a_new_combination_need_no_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked = _counting(monkeypatch)
    check = ShapeCheck()
    given = {"family": "Ames", "given": ["Ann"]}
    assert check.issues(_patient(name=[{"family": "Ames"}])) == []
    assert check.issues(_patient(name=[given])) == []
    assert len(checked) == 2
    # both kinds of name in one resource: every element shape is known, so no check
    assert check.issues(_patient(name=[{"family": "Bo"}, given, given])) == []
    assert len(checked) == 2
    # a known element under a new key is a new element shape (the path is part of it)
    assert check.issues(_patient(name=[given], contact=[{"name": given}])) == []
    assert len(checked) == 3


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Mapping[str, Any]]:
    checked: list[Mapping[str, Any]] = []
    real = shapes.structure_issues

    def counted(resource: Mapping[str, Any]) -> list[StructureIssue]:
        checked.append(resource)
        return real(resource)

    monkeypatch.setattr(shapes, "structure_issues", counted)
    return checked


@pytest.mark.unit
def test_each_passing_shape_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _counting(monkeypatch)
    check = ShapeCheck()
    for n in range(5):
        assert check.issues(_patient(id=f"p{n}", active=True)) == []
    assert check.issues(_patient(gender="female")) == []
    assert len(checked) == 2
    assert check.shapes == 3  # two kinds of Patient element, one of name


@pytest.mark.unit
def test_failing_shape_is_checked_again_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _counting(monkeypatch)
    check = ShapeCheck()
    for _ in range(3):
        assert check.issues(_patient(gender=5)) != []
    assert len(checked) == 3
    assert check.shapes == 0


@pytest.mark.unit
def test_check_every_checks_every_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _counting(monkeypatch)
    check = ShapeCheck(every=True)
    for n in range(4):
        check.issues(_patient(id=f"p{n}"))
    assert len(checked) == 4


@pytest.mark.unit
@pytest.mark.parametrize(
    ("cpus", "load", "workers"), [(64, 0.0, 4), (2, 0.1, 2), (2, 1.2, 1), (2, 5.0, 1), (None, 0, 1)]
)
def test_default_workers_are_the_idle_cpus_capped(
    monkeypatch: pytest.MonkeyPatch, cpus: int | None, load: float, workers: int
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cpus)
    monkeypatch.setattr("os.getloadavg", lambda: (load, load, load))
    assert default_workers() == workers


@pytest.fixture(scope="module")
def members_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shape-feeds")
    write_member_feeds(out, small_pool(), 6, seed=3)
    return out / "members.csv"


def _broken(kind: FeedKind, line: int, change: dict[str, Any]) -> FeedKind:
    """The members kind, but the Patient of the row on ``line`` gets ``change``."""
    rows = iter(range(2, 10_000))  # CSV data starts on line 2, one record per row here

    def to_fhir(record: Any) -> MappedResources:
        out = list(kind.to_fhir(record))
        if next(rows) == line:
            out = [{**r, **change} if r["resourceType"] == "Patient" else r for r in out]
        return out

    return dataclasses.replace(kind, to_fhir=to_fhir)


def _patients(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(resource.c.res_type == "Patient")
        return int(conn.execute(query.select_from(resource)).scalar_one())


def test_mapping_with_a_new_bad_shape_rejects_the_row(engine: Engine, members_csv: Path) -> None:
    kind = _broken(kind_named("members"), line=4, change={"birthDate": 19900101})
    report = load_file(engine, members_csv, kind)
    assert report.rejected == 1
    [error] = [(e.file, e.line, e.field) for e in report.errors]
    assert error == ("members.csv", 4, "Patient.birthDate")
    assert _patients(engine) == report.rows - 1


def test_check_every_catches_a_bad_value_of_a_known_shape(
    engine: Engine, members_csv: Path
) -> None:
    kind = _broken(kind_named("members"), line=5, change={"gender": "two  spaces"})
    per_shape = load_file(engine, members_csv, kind)
    assert per_shape.rejected == 0  # the value is marshmallow's to refuse (ADR 0004)
    kind = _broken(kind_named("members"), line=5, change={"gender": "two  spaces"})
    every = load_file(engine, members_csv, kind, check_every=True)
    assert every.rejected == 1
    assert [(e.line, e.field) for e in every.errors] == [(5, "Patient.gender")]


def test_load_paths_with_check_every_loads_valid_feeds(engine: Engine, members_csv: Path) -> None:
    report = load_paths(engine, [members_csv], check_every=True)
    assert report.rejected == 0
    assert _patients(engine) == report.rows
