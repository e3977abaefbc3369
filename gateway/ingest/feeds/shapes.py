"""The fhir.resources structure check, once per element *shape* per load (ADR 0004).

A mapping is pure code: the elements it emits, and the JSON kinds of their values, are fixed by
the code path a record takes; the values themselves are checked by the feed's marshmallow
schema. So a load checks a resource with the models (:func:`gateway.fhir.structure_issues`,
about 1-2 ms each) only when one of its elements has a shape no checked resource had, and
trusts the rest.

An element's shape is one level of it: its path (keys from the resource down, with the
resource type of a contained resource), and its keys with the JSON kind of each value
(string, integer, float, boolean, null, object, or array with the kinds of its items). Nested
objects are elements of their own. This is how the models validate: each element against its
own type, which the path fixes (a choice type by its key: ``valueString``), with cardinality and
one-choice rules inside the element. So two extensions, one with ``valueString`` and one with
``valueCode``, do not stand in for one extension with both (a new element shape), while a
claim whose items each look like items seen before needs no check, however they combine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.fhir import StructureIssue, structure_issues

_LEAF = {int: ":i", float: ":f", bool: ":b", type(None): ":n"}
# Keys under which FHIR JSON nests a whole resource (``contained``, ``Bundle.entry.resource``,
# ``Bundle.entry.response.outcome``, ``Parameters.parameter.resource``): the resource there is
# shaped by its own type. Elsewhere a ``resourceType`` key is an ordinary key of the element.
_RESOURCE_KEYS = frozenset(("contained", "resource", "outcome"))

# An element's shape as one string: ``path=key,key:kind,...``, where a string value (the
# commonest kind) adds no suffix: FHIR keys are names, so ``a:i`` can only be the key ``a``
# with an integer, and a shape that passed was made of valid names. Strings measured faster
# than tuples of keys and types here: one hash and one compare per element in the set of
# passed shapes.
Shape = str


def element_shapes(resource: Mapping[str, Any]) -> list[Shape]:
    """The shapes of every element of ``resource``, innermost first.

    For ``{"resourceType": "Patient", "name": [{"family": "Ames"}]}``:
    ``["Patient.name=family", "Patient=resourceType,name[{"]``.
    """
    out: list[Shape] = []
    _visit(resource, str(resource.get("resourceType")), out)
    return out


def _visit(element: Mapping[str, Any], path: str, out: list[Shape]) -> None:
    parts: list[str] = []
    append = parts.append
    for key, value in element.items():
        kind = type(value)
        if kind is str:
            append(key)
        elif kind is dict:
            append(key + "{")
            if key in _RESOURCE_KEYS and "resourceType" in value:
                _visit(value, f"{path}.{key}:{value['resourceType']}", out)
            else:
                _visit(value, path + "." + key, out)
        elif kind is list:
            append(key + "[" + _items(value, path + "." + key, key in _RESOURCE_KEYS, out))
        else:
            append(key + (_LEAF.get(kind) or f":{kind.__name__}"))
    out.append(path + "=" + ",".join(parts))


def _items(items: list[Any], path: str, resources: bool, out: list[Shape]) -> str:
    """The kinds of an array's items (in order of first appearance, ``|`` between); object
    items are elements of their own, shaped by their type where they are ``resources``."""
    kinds: list[str] = []
    for item in items:
        kind = type(item)
        if kind is dict:
            mark = "{"
            if resources and "resourceType" in item:
                _visit(item, f"{path}:{item['resourceType']}", out)
            else:
                _visit(item, path, out)
        elif kind is str:
            mark = ":s"
        elif kind is list:  # never valid FHIR JSON: a shape of its own, so it is checked
            mark = "[" + _items(item, path + "[]", False, out)
        else:
            mark = _LEAF.get(kind) or f":{kind.__name__}"
        if mark not in kinds:
            kinds.append(mark)
    return "|".join(kinds)


class ShapeCheck:
    """Structure issues of mapped resources, checking only new element shapes (or, ``every``,
    every resource).

    Only the element shapes of resources that passed are remembered: a resource with a new
    shape is checked again until one of them passes, since its values may be what failed.
    """

    def __init__(self, *, every: bool = False) -> None:
        self.every = every
        self._passed: set[Shape] = set()

    def issues(self, resource: Mapping[str, Any]) -> list[StructureIssue]:
        """The structure issues of ``resource``; empty when valid or made of known shapes."""
        if self.every:
            return structure_issues(resource)
        shapes = element_shapes(resource)
        if self._passed.issuperset(shapes):
            return []
        found = structure_issues(resource)
        if not found:
            self._passed.update(shapes)
        return found

    @property
    def shapes(self) -> int:
        """How many distinct element shapes passed so far."""
        return len(self._passed)
