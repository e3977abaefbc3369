"""The base schema of feed rows: marshmallow's load, with a quick path for plainly valid rows.

marshmallow spends about ten Python calls per field on the loop around the fields (a getter
closure, error store, ``set_value``) and more on each nested schema's hooks; a claim row has
about 70 fields. For a row whose keys are all declared and whose values all pass their
:class:`~gateway.ingest.feeds.fields.Quick` fields' precompiled checks, :meth:`FeedSchema.load`
builds the same dict in one loop, runs the same row rules (:meth:`check`) and builds the same
record (:meth:`make`). Anything else (an unknown key, a missing required field, a value the
quick checks do not pass, a rule that fails, ``many``/``partial``/``unknown`` arguments) loads
through marshmallow unchanged, so every rejection keeps its message and field path by
construction. See docs/adr/0009-feed-schemas-quick-path.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Literal

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    missing,
    post_load,
    pre_load,
    validates_schema,
)
from marshmallow.fields import Field

from gateway.ingest.feeds.fields import SLOW, Quick, never

# The hooks FeedSchema declares itself; a subclass with any other hook loads the ordinary way.
_OWN_HOOKS = frozenset({"_prepare", "_check", "_make"})
# Per load field: data key, attribute, quick path, required, load_default.
_Step = tuple[str, str, Callable[[Any], Any], bool, Any]


class FeedSchema(Schema):
    """A feed row schema. Subclasses override :meth:`prepare`, :meth:`check` and :meth:`make`
    instead of declaring marshmallow hooks, so both load paths run them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hooks = {name for entries in self._hooks.values() for name, _, _ in entries}
        self._plan: tuple[_Step, ...] | None = (
            tuple(
                (
                    field.data_key or name,
                    field.attribute or name,
                    _quick(field),
                    field.required,
                    field.load_default,
                )
                for name, field in self.load_fields.items()
            )
            if hooks <= _OWN_HOOKS
            else None
        )
        self._known = frozenset(step[0] for step in self._plan or ())

    def prepare(self, data: Any) -> Any:
        """The raw row as the fields see it (``pre_load``)."""
        return data

    def check(self, data: dict[str, Any]) -> None:
        """Rules across fields; raise ``ValidationError(reason, field)`` (``validates_schema``)."""

    def make(self, data: dict[str, Any]) -> Any:
        """The record built from the loaded fields (``post_load``)."""
        return data

    @pre_load
    def _prepare(self, data: Any, **_: Any) -> Any:
        return self.prepare(data)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        self.check(data)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Any:
        return self.make(data)

    def load(
        self,
        data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        many: bool | None = None,
        partial: bool | Sequence[str] | AbstractSet[str] | None = None,
        unknown: Literal["exclude", "include", "raise"] | None = None,
    ) -> Any:
        """marshmallow's ``Schema.load``, by the quick path when the row is plainly valid."""
        if many is None and partial is None and unknown is None and not self.many:
            loaded = self.quick(data)
            if loaded is not SLOW:
                return loaded
        return super().load(data, many=many, partial=partial, unknown=unknown)

    def quick(self, raw: Any) -> Any:
        """The record of a plainly valid row, else :data:`~gateway.ingest.feeds.fields.SLOW`."""
        plan = self._plan
        if plan is None:
            return SLOW
        data = self.prepare(raw)
        if data.__class__ is not dict or not data.keys() <= self._known:
            return SLOW
        out: dict[str, Any] = {}
        for key, attr, quick, required, default in plan:
            value = data.get(key, missing)
            if value is missing:
                if required:
                    return SLOW
                value = default() if callable(default) else default
                if value is missing:
                    continue
            else:
                value = quick(value)
                if value is SLOW:
                    return SLOW
            out[attr] = value
        try:
            self.check(out)
        except ValidationError:
            return SLOW
        return self.make(out)


class QuickNested(Quick, fields.Nested):
    """``fields.Nested`` of a :class:`FeedSchema`: the nested row by its schema's quick path."""

    plain = frozenset({dict})
    converts = True

    def convert(self, value: Any) -> Any:
        schema = self.schema
        if self.many or not isinstance(schema, FeedSchema):
            return SLOW
        return schema.quick(value)


def _quick(field: Field[Any]) -> Callable[[Any], Any]:
    """The field's quick path; for other fields, marshmallow's, with SLOW for an error."""
    if isinstance(field, Quick):
        return field.quick
    if isinstance(field, (fields.Method, fields.Function)):
        return never  # they read the whole row: marshmallow's path only

    def ordinary(value: Any) -> Any:
        try:
            return field.deserialize(value)
        except ValidationError:
            return SLOW

    return ordinary
