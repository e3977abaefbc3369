"""The quick fields pass only values their marshmallow validators pass (issue 5, ADR 0009)."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import ValidationError, validate, validates

from gateway.ingest.feeds.fields import SLOW, Flag, QuickDict, Real, Text, Whole
from gateway.ingest.feeds.schema import FeedSchema

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("field", "value", "loaded"),
    [
        (Real(validate=validate.Range(min=0, min_inclusive=False)), 0, SLOW),
        (Real(validate=validate.Range(min=0, min_inclusive=False)), 0.5, 0.5),
        (Real(validate=validate.Range(max=10, max_inclusive=False)), 10.0, SLOW),
        (Real(), 3, 3.0),
        (Real(), float("inf"), SLOW),
        (Real(), True, SLOW),
        (Whole(validate=validate.Range(min=1)), 0, SLOW),
        (Whole(), True, SLOW),
        (Whole(), 4, 4),
        (Text(validate=validate.Length(equal=2)), "a", SLOW),
        (Text(validate=validate.Length(equal=2)), "ab", "ab"),
        (Text(validate=validate.Length(min=1, max=3)), "abcd", SLOW),
        (Text(validate=validate.OneOf(("a", "b"))), "c", SLOW),
        (Text(validate=validate.Regexp(r"^\d{2}$")), "123", SLOW),
        (Text(validate=validate.Email()), "not-an-address", SLOW),
        (Text(validate=validate.Email()), "a@example.org", "a@example.org"),
        (Text(), None, SLOW),
        (Text(load_default=None), None, None),
        (Text(), b"bytes", SLOW),
        (Text(pre_load=str.strip), "a", SLOW),
        (Flag(), "true", SLOW),
        (Flag(), False, False),
    ],
)
def test_quick_field_value(field: Any, value: Any, loaded: Any) -> None:
    quick = field.quick(value)
    assert quick is SLOW if loaded is SLOW else (quick == loaded and type(quick) is type(loaded))


def test_quick_dict_with_a_bad_key_takes_the_ordinary_path() -> None:
    amounts = QuickDict(keys=Text(validate=validate.OneOf(("paid",))), values=Real())
    assert amounts.quick({"paid": 1}) == {"paid": 1.0}
    assert amounts.quick({"bonus": 1}) is SLOW
    with pytest.raises(ValidationError) as caught:
        amounts.deserialize({"bonus": 1})
    assert caught.value.messages == {"bonus": {"key": ["Must be one of: paid."]}}


class _Guarded(FeedSchema):
    name = Text(required=True)

    @validates("name")
    def _name(self, value: str, **_: Any) -> None:
        if value == "x":
            raise ValidationError("must not be x")


def test_schema_with_its_own_marshmallow_hook_loads_the_ordinary_way() -> None:
    schema = _Guarded()
    assert schema.quick({"name": "y"}) is SLOW
    with pytest.raises(ValidationError) as caught:
        schema.load({"name": "x"})
    assert caught.value.messages == {"name": ["must not be x"]}
