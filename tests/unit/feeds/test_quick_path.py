"""The feed schemas' quick path loads exactly what marshmallow loads, and rejects nothing itself.

Reference: marshmallow's own ``Schema.load`` on the same schema instance (the ordinary path,
with the same hooks), compared by ``repr`` so ``1`` and ``1.0`` differ.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, ValidationError

from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds.care import CareProgramSchema
from gateway.ingest.feeds.claims import ClaimSchema
from gateway.ingest.feeds.fields import SLOW
from gateway.ingest.feeds.members import MemberSchema
from gateway.ingest.feeds.registry import kind_named
from gateway.ingest.feeds.schema import FeedSchema
from tests.integration.feeds.pool import small_pool
from tests.unit.directory.network_data import NETWORK_FILES, generate, rows

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out: Path = tmp_path_factory.mktemp("feeds")
    write_member_feeds(out, small_pool(), 60, seed=7)
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _cases(feeds: Path) -> list[tuple[FeedSchema, dict[str, Any]]]:
    members = list(csv.DictReader((feeds / "members.csv").read_text().splitlines()))
    return [
        *((MemberSchema(), row) for row in members),
        *((ClaimSchema(), row) for row in _jsonl(feeds / "claims.jsonl")),
        *((CareProgramSchema(), row) for row in _jsonl(feeds / "care_programs.jsonl")),
    ]


def _ordinary(schema: FeedSchema, row: dict[str, Any]) -> Any:
    return Schema.load(schema, copy.deepcopy(row))


def _ordinary_error(schema: FeedSchema, row: dict[str, Any]) -> Any:
    with pytest.raises(ValidationError) as caught:
        Schema.load(schema, copy.deepcopy(row))
    return caught.value.messages


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out: Path = tmp_path_factory.mktemp("network")
    generate(out)
    return out


@pytest.mark.parametrize("name", NETWORK_FILES)
def test_directory_rows_take_the_quick_path_and_load_as_marshmallow_does(
    network: Path, name: str
) -> None:
    schema = kind_named(name).schema()
    assert isinstance(schema, FeedSchema)
    for row in rows(network, name, 300):
        quick = schema.quick(copy.deepcopy(row))
        assert quick is not SLOW, row
        assert repr(quick) == repr(_ordinary(schema, row))


def test_demo_rows_take_the_quick_path_and_load_as_marshmallow_does(feeds: Path) -> None:
    cases = _cases(feeds)
    assert {type(schema) for schema, _ in cases} == {MemberSchema, ClaimSchema, CareProgramSchema}
    for schema, row in cases:
        quick = schema.quick(copy.deepcopy(row))
        assert quick is not SLOW, row
        assert repr(quick) == repr(_ordinary(schema, row))


@pytest.fixture(scope="module")
def claim(feeds: Path) -> dict[str, Any]:
    """A professional claim with a diagnosis, modifiers-free lines and an amounts map."""
    return next(c for c in _jsonl(feeds / "claims.jsonl") if c["claim_type"] == "professional")


BAD_CLAIMS = {
    "amount kind": (("lines", 0, "amounts"), lambda a: a.update(bonus=1.0)),
    "negative amount": (("lines", 0, "amounts"), lambda a: a.update(paid=-0.01)),
    "nan amount": (("lines", 0, "amounts"), lambda a: a.update(paid=float("nan"))),
    "boolean amount": (("lines", 0, "amounts"), lambda a: a.update(paid=True)),
    "no submitted": (("lines", 0, "amounts"), lambda a: a.pop("submitted")),
    "modifier length": (("lines", 0), lambda line: line.update(modifiers=["25", "5"])),
    "modifier type": (("lines", 0), lambda line: line.update(modifiers=[25])),
    "sequence zero": (("lines", 0), lambda line: line.update(sequence=0)),
    "sequence bool": (("lines", 0), lambda line: line.update(sequence=True)),
    "unknown line key": (("lines", 0), lambda line: line.update(colour="red")),
    "missing service date": (("lines", 0), lambda line: line.pop("service_date")),
    "icd10": (("diagnoses", 0), lambda d: d.update(code="diabetes")),
    "present on admission": (("diagnoses", 0), lambda d: d.update(present_on_admission="X")),
    "payment amount": ((), lambda c: c.update(payment_amount=float("inf"))),
    "in network string": ((), lambda c: c.update(in_network="maybe")),
    "null status": ((), lambda c: c.update(status=None)),
    "unknown key": ((), lambda c: c.update(extra="x")),
    "date": ((), lambda c: c.update(created="2024-1-01")),
    "rule": ((), lambda c: c.update(billable_end="1900-01-01")),
}


def _changed(claim: dict[str, Any], path: tuple[Any, ...], change: Any) -> dict[str, Any]:
    changed = copy.deepcopy(claim)
    target: Any = changed
    for step in path:
        target = target[step]
    change(target)
    return changed


@pytest.mark.parametrize("name", sorted(BAD_CLAIMS))
def test_bad_claim_leaves_the_quick_path_and_reports_marshmallows_error(
    claim: dict[str, Any], name: str
) -> None:
    path, change = BAD_CLAIMS[name]
    bad = _changed(claim, path, change)
    schema = ClaimSchema()
    assert schema.quick(copy.deepcopy(bad)) is SLOW
    expected = _ordinary_error(schema, bad)
    with pytest.raises(ValidationError) as caught:
        schema.load(bad)
    assert caught.value.messages == expected
    if path:
        assert str(path[0]) in expected


COERCED_CLAIMS = {
    "string amount": (("lines", 0, "amounts"), lambda a: a.update(paid="12.5")),
    "integer amount": (("lines", 0, "amounts"), lambda a: a.update(paid=12)),
    "float sequence": (("lines", 0), lambda line: line.update(sequence=1.5)),
    "string boolean": ((), lambda c: c.update(in_network="true")),
}


@pytest.mark.parametrize("name", sorted(COERCED_CLAIMS))
def test_value_marshmallow_coerces_loads_as_marshmallow_loads_it(
    claim: dict[str, Any], name: str
) -> None:
    path, change = COERCED_CLAIMS[name]
    changed = _changed(claim, path, change)
    schema = ClaimSchema()
    assert repr(schema.load(copy.deepcopy(changed))) == repr(_ordinary(schema, changed))


def test_bad_amount_kind_is_reported_at_its_key(claim: dict[str, Any]) -> None:
    bad = copy.deepcopy(claim)
    bad["lines"][0]["amounts"]["bonus"] = 1.0
    with pytest.raises(ValidationError) as caught:
        ClaimSchema().load(bad)
    messages: Any = caught.value.messages
    assert "bonus" in messages["lines"][0]["amounts"]
    assert list(messages["lines"][0]["amounts"]["bonus"]) == ["key"]


def test_blank_optional_member_column_loads_as_absent(feeds: Path) -> None:
    row = next(csv.DictReader((feeds / "members.csv").read_text().splitlines()))
    row["email"] = ""
    assert MemberSchema().load(row).email is None


def test_bad_member_email_is_rejected(feeds: Path) -> None:
    row = next(csv.DictReader((feeds / "members.csv").read_text().splitlines()))
    row["email"] = "not-an-address"
    schema = MemberSchema()
    assert schema.quick(dict(row)) is SLOW
    with pytest.raises(ValidationError) as caught:
        schema.load(row)
    assert caught.value.messages == {"email": ["Not a valid email address."]}


@pytest.fixture(scope="module")
def pharmacy_claim(feeds: Path) -> dict[str, Any]:
    return next(c for c in _jsonl(feeds / "claims.jsonl") if c["claim_type"] == "pharmacy")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"days_supply": 0},
            {"days_supply": ["Must be greater than or equal to 1 and less than or equal to 366."]},
        ),
        ({"daw": 1}, {"daw": ["Not a valid string."]}),
        ({"colour": "red"}, {"colour": ["Unknown field."]}),
    ],
)
def test_bad_nested_record_is_reported_at_its_path(
    pharmacy_claim: dict[str, Any], change: dict[str, Any], expected: dict[str, Any]
) -> None:
    bad = copy.deepcopy(pharmacy_claim)
    bad["pharmacy"].update(change)
    with pytest.raises(ValidationError) as caught:
        ClaimSchema().load(bad)
    assert caught.value.messages == {"pharmacy": expected}


def test_null_nested_record_where_required_is_rejected(pharmacy_claim: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        ClaimSchema().load({**pharmacy_claim, "pharmacy": None})
    assert caught.value.messages == {"pharmacy": ["is required on pharmacy claims"]}
