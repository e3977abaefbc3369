"""marshmallow fields with a fast path for values that are plainly valid (issue 5).

A feed row holds about 90 field values and nearly all of them are valid. marshmallow's full
path costs about ten Python calls per value (missing check, type coercion, a fresh ``And`` of
the validators, each validator); these fields first try one precompiled predicate built from
the same validators (``Regexp``, ``OneOf``, ``Length``, ``Range``) and return at once when it
holds. When it does not, or when a validator has no precompiled form (``Email``, a function),
the value takes marshmallow's ordinary path, so every rejection keeps its message and field
path by construction. The predicate only has to be sound: it may send a valid value to the
ordinary path, never pass an invalid one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, validate

Accepts = Callable[[Any], bool]

SLOW: Any = object()  # "take marshmallow's ordinary path": quick() could not decide


def _always(_: Any) -> bool:
    return True


def _one_of(check: validate.OneOf) -> Accepts | None:
    try:
        return frozenset(check.choices).__contains__
    except TypeError:  # unhashable choices: leave them to the validator
        return None


def _length(check: validate.Length) -> Accepts:
    if check.equal is not None:
        equal = check.equal
        return lambda value: len(value) == equal
    low = 0 if check.min is None else check.min
    high = math.inf if check.max is None else check.max
    return lambda value: low <= len(value) <= high


def _range(check: validate.Range) -> Accepts:
    low = -math.inf if check.min is None else check.min
    high = math.inf if check.max is None else check.max
    above: Accepts = (lambda v: v >= low) if check.min_inclusive else (lambda v: v > low)
    below: Accepts = (lambda v: v <= high) if check.max_inclusive else (lambda v: v < high)
    return lambda value: above(value) and below(value)


def _calling(check: Callable[[Any], Any]) -> Accepts:
    """A validator without a precompiled form (``Email``, a function), called as it is."""

    def accepts(value: Any) -> bool:
        try:
            return check(value) is not False
        except ValidationError:
            return False

    return accepts


def _predicate(check: Any) -> Accepts | None:
    """One validator as a predicate, or ``None`` when it has no sound precompiled form."""
    if isinstance(check, validate.Regexp):
        match = check.regex.match
        return lambda value: match(value) is not None
    if isinstance(check, validate.OneOf):
        return _one_of(check)
    if isinstance(check, validate.Length):
        return _length(check)
    if isinstance(check, validate.Range):
        return _range(check)
    return _calling(check)


def compile_checks(validators: Iterable[Any]) -> Accepts | None:
    """All ``validators`` as one predicate; ``None`` when one of them cannot be compiled."""
    predicates = [_predicate(check) for check in validators]
    if any(p is None for p in predicates):
        return None
    checks = tuple(p for p in predicates if p is not None)
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def never(_: Any) -> Any:
    """The quick path of a field that has none."""
    return SLOW


class Quick(fields.Field[Any]):
    """A field that returns plainly valid values without marshmallow's per-value machinery.

    Subclasses name the input classes they take as they are (``plain``) and may convert them
    (``convert``). ``quick`` is compiled when the field is built and again when it is bound to
    its schema (marshmallow binds deep copies of inner fields). Field-level ``pre_load`` or
    ``post_load`` processors disable the fast path.
    """

    plain: ClassVar[frozenset[type]] = frozenset()
    converts: ClassVar[bool] = False  # whether convert() changes plain values

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quick: Callable[[Any], Any] = self._compile()

    def _bind_to_schema(self, field_name: str, parent: Any) -> None:
        super()._bind_to_schema(field_name, parent)
        self.quick = self._compile()

    def convert(self, value: Any) -> Any:
        """The loaded form of a ``plain`` value, or :data:`SLOW`."""
        return value

    def _compile(self) -> Callable[[Any], Any]:
        """``quick``: the loaded value when it is plainly valid, else :data:`SLOW`."""
        accepts = compile_checks(self.validators)
        if accepts is None or self.pre_load or self.post_load:
            return never
        plain, none = self.plain, SLOW if not self.allow_none else None
        convert = self.convert

        def quick_converted(value: Any) -> Any:
            if value.__class__ in plain:
                value = convert(value)
                return value if value is not SLOW and accepts(value) else SLOW
            return none if value is None else SLOW

        def quick(value: Any) -> Any:
            if value.__class__ in plain:
                return value if accepts(value) else SLOW
            return none if value is None else SLOW

        return quick_converted if self.converts else quick

    def deserialize(
        self,
        value: Any,
        attr: str | None = None,
        data: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The quick result when there is one; marshmallow's ordinary path otherwise."""
        out = self.quick(value)
        if out is SLOW:
            return super().deserialize(value, attr, data, **kwargs)
        return out


class Text(Quick, fields.String):
    """``fields.String`` with the fast path."""

    plain = frozenset({str})


class Whole(Quick, fields.Integer):
    """``fields.Integer`` (not strict) with the fast path for ``int`` input."""

    plain = frozenset({int})


class Real(Quick, fields.Float):
    """``fields.Float`` (no NaN or infinity) with the fast path for finite numbers."""

    plain = frozenset({int, float})
    converts = True

    def convert(self, value: Any) -> Any:
        try:
            number = float(value)
        except OverflowError:
            return SLOW
        return number if math.isfinite(number) or self.allow_nan else SLOW


class Flag(Quick, fields.Boolean):
    """``fields.Boolean`` with the fast path for JSON ``true``/``false``."""

    plain = frozenset({bool})


class QuickList(Quick, fields.List[Any]):
    """``fields.List`` of a :class:`Quick` field: the list in one pass when every item is."""

    plain = frozenset({list})
    converts = True

    def convert(self, value: Any) -> Any:
        inner = self.inner
        if not isinstance(inner, Quick):
            return SLOW
        items = [inner.quick(item) for item in value]
        return SLOW if any(item is SLOW for item in items) else items


class QuickDict(Quick, fields.Dict):
    """``fields.Dict`` with :class:`Quick` keys and values: the map in one pass when all are."""

    plain = frozenset({dict})
    converts = True

    def convert(self, value: Any) -> Any:
        keys, values = self.key_field, self.value_field
        if not isinstance(keys, Quick) or not isinstance(values, Quick):
            return SLOW
        out = {}
        for key, item in value.items():
            loaded_key, loaded = keys.quick(key), values.quick(item)
            if loaded_key is SLOW or loaded is SLOW:
                return SLOW
            out[loaded_key] = loaded
        return out
