"""The fhir.resources structure check, once per resource *shape* per load (ADR 0004).

A mapping is pure code: the elements it emits, and the JSON kinds of their values, are fixed by
the code path a record takes; the values themselves are checked by the feed's marshmallow
schema. So a load checks the first resource of every distinct shape with the models
(:func:`gateway.fhir.structure_issues`, about 1-2 ms each) and trusts the shapes that passed.
A shape is the resource's element tree without array indexes or values, keeping each value's
JSON kind and each array's distinct item shapes: two extensions, one with ``valueString`` and
one with ``valueCoding``, differ in shape from one extension with both (which the models
refuse: one choice per element).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.fhir import StructureIssue, structure_issues

Shape = str

_LEAF = {str: ":s", int: ":i", float: ":f", bool: ":b", type(None): ":n"}


def shape_of(resource: Mapping[str, Any]) -> Shape:
    """The shape of ``resource``: ``resourceType:s,id:s,meta{profile[:s]},...``.

    Built as one string (about 70 us for a CARIN EOB, against 1-2 ms for the check): a plain
    loop with string concatenation measured faster here than nested frozensets,
    comprehensions or caching the shapes of small dicts; strings and one-item arrays, the
    commonest values, take the shortest branches.
    """
    parts: list[str] = []
    append = parts.append
    for key, value in resource.items():
        kind = type(value)
        if kind is str:
            append(key + ":s")
        elif kind is dict:
            append(key + "{" + shape_of(value) + "}")
        elif kind is list and len(value) == 1 and type(value[0]) is dict:
            append(key + "[{" + shape_of(value[0]) + "}]")
        elif kind is list:
            append(key + "[" + _items(value) + "]")
        else:
            append(key + _leaf(kind))
    return ",".join(parts)


def _leaf(kind: type) -> str:
    return _LEAF.get(kind) or f":{kind.__name__}"


def _items(items: list[Any]) -> str:
    distinct: dict[str, None] = {}
    for item in items:
        kind = type(item)
        if kind is dict:
            distinct["{" + shape_of(item) + "}"] = None
        elif kind is list:
            distinct["[" + _items(item) + "]"] = None
        else:
            distinct[_leaf(kind)] = None
    return "|".join(distinct)


class ShapeCheck:
    """Structure issues of mapped resources, checking each shape once (or, ``every``, all).

    Only shapes that passed are remembered: a resource of a shape that failed is checked again,
    since its values may be what failed.
    """

    def __init__(self, *, every: bool = False) -> None:
        self.every = every
        self._passed: set[Shape] = set()

    def issues(self, resource: Mapping[str, Any]) -> list[StructureIssue]:
        """The structure issues of ``resource``; empty when valid or of a shape that passed."""
        if self.every:
            return structure_issues(resource)
        shape = shape_of(resource)
        if shape in self._passed:
            return []
        found = structure_issues(resource)
        if not found:
            self._passed.add(shape)
        return found

    @property
    def shapes(self) -> int:
        """How many distinct shapes passed so far."""
        return len(self._passed)
