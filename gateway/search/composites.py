"""Composite parameters over repeating elements: components paired within one element.

``Observation?component-code-value-quantity=http://loinc.org|8480-6$gt100`` matches only an
Observation with one ``component`` whose code is 8480-6 *and* whose value is above 100: a
component with the code and another with the value must not match. So these composites are
indexed on their own: every selected element gets a group number, and component ``i`` of
composite ``C`` is stored under parameter ``C$i`` with that group in the ``grp`` column (in
the index table of the component's type). The query pairs the components by ``grp``.
Composites on the resource itself (``code-value-quantity``) have one value per component and
are answered from the component parameters' own rows (:mod:`gateway.search.parse`).
https://hl7.org/fhir/R4/search.html#composite
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from gateway.search import values
from gateway.search.expressions import compile_paths, compile_relative, split_union
from gateway.search.plans import Node, Visit, compile_path
from gateway.search.registry import SearchParam, param, params_for

Path = list[dict[str, Any]]
_QUANTITIES = {"Quantity", "Age", "Count", "Distance", "Duration", "Money", "SimpleQuantity"}
# The element types a component of each parameter type can index. A component whose path
# ends elsewhere is a definition error (R4 DocumentReference ``relationship`` names its
# components the wrong way round): that composite is refused, not answered loosely.
ACCEPTS: dict[str, frozenset[str]] = {
    "token": frozenset(
        {"code", "Coding", "CodeableConcept", "Identifier", "ContactPoint", "boolean", "id"}
        | {"string", "uri"}
    ),
    "reference": frozenset({"Reference", "canonical", "uri"}),
    "quantity": frozenset(_QUANTITIES),
    "number": frozenset({"decimal", "integer", "positiveInt", "unsignedInt"}),
    "date": frozenset({"date", "dateTime", "instant", "Period", "Timing"}),
    "string": frozenset({"string", "markdown", "HumanName", "Address"}),
    "uri": frozenset({"uri", "url", "canonical", "oid", "uuid"}),
}


@dataclass(frozen=True, slots=True)
class Context:
    """One kind of element a composite selects: its path from the resource (``None`` for the
    resource itself) and, per component, the paths of the component's value within it."""

    path: Path | None
    components: tuple[tuple[Path, ...], ...]


@dataclass(frozen=True, slots=True)
class Grouped:
    """A composite indexed with grouped rows: its code, component parameters and contexts."""

    code: str
    components: tuple[SearchParam, ...]
    contexts: tuple[Context, ...]


def component_param(resource_type: str, definition: str) -> SearchParam | None:
    """The parameter a composite component names (by URL, else by the URL's code part)."""
    for candidate in params_for(resource_type).values():
        if candidate.url == definition:
            return candidate
    tail = definition.rsplit("/", 1)[-1]
    return param(resource_type, tail.split("-", 1)[1]) if "-" in tail else None


def on_resource(sp: SearchParam, resource_type: str) -> bool:
    """True for a composite over the resource itself (one value per component)."""
    return sp.type == "composite" and sp.expression == resource_type


@cache
def grouped(resource_type: str) -> dict[str, Grouped]:
    """Every composite of ``resource_type`` the grouped index can serve, by code."""
    found: dict[str, Grouped] = {}
    for sp in params_for(resource_type).values():
        if sp.type == "composite" and not on_resource(sp, resource_type):
            plan = _grouped(sp, resource_type)
            if plan is not None:
                found[sp.code] = plan
    return found


def _grouped(sp: SearchParam, resource_type: str) -> Grouped | None:
    components = [component_param(resource_type, c["definition"]) for c in sp.components]
    if not components or any(c is None or not c.supported for c in components):
        return None
    kept = tuple(c for c in components if c is not None)
    expressions = [c["expression"] for c in sp.components]
    contexts: list[Context] = []
    for part in split_union(sp.expression):
        context = _context(part, resource_type, expressions, kept)
        if context is None:
            return None
        contexts.append(context)
    return Grouped(sp.code, kept, tuple(contexts)) if contexts else None


def _context(
    part: str, resource_type: str, expressions: list[str], params: tuple[SearchParam, ...]
) -> Context | None:
    if part == resource_type:
        path, element_type = None, resource_type
    else:
        paths = compile_paths(part, resource_type)
        if paths is None or len(paths) != 1 or len(paths[0][-1]["a"]) != 1:
            return None
        path, element_type = paths[0], str(paths[0][-1]["a"][0][1])
    components: list[tuple[Path, ...]] = []
    for expression, sp in zip(expressions, params, strict=True):
        found: list[Path] = []
        for member in split_union(expression):
            relative = compile_relative(member, element_type)
            if relative is None:
                return None
            found.extend(relative)
        ends = {str(kind) for steps in found for _key, kind in steps[-1]["a"]}
        if not ends <= ACCEPTS.get(sp.kind, frozenset()):
            return None
        components.append(tuple(found))
    return Context(path, tuple(components))


@dataclass(frozen=True, slots=True)
class _CompiledContext:
    visit: Visit | None
    first: frozenset[str]
    components: tuple[tuple[Visit, ...], ...]


@dataclass(frozen=True, slots=True)
class _Compiled:
    code: str
    kinds: tuple[str, ...]
    converters: tuple[Callable[[Any, str | None], Iterator[values.Row]], ...]
    contexts: tuple[_CompiledContext, ...]


@cache
def _compiled(resource_type: str) -> tuple[_Compiled, ...]:
    found = []
    for g in grouped(resource_type).values():
        contexts = tuple(
            _CompiledContext(
                None if c.path is None else compile_path(c.path),
                frozenset() if c.path is None else frozenset(k for k, _t in c.path[0]["a"]),
                tuple(tuple(compile_path(p) for p in paths) for paths in c.components),
            )
            for c in g.contexts
        )
        kinds = tuple(sp.kind for sp in g.components)
        converters = tuple(values.CONVERTERS[k] for k in kinds)
        found.append(_Compiled(g.code, kinds, converters, contexts))
    return tuple(found)


def grouped_rows(
    resource_type: str, resource: Mapping[str, Any]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(kind, row) of every grouped composite row: ``(C$i, *component row, group)``.

    Groups number the selected elements in document order (the resource itself first for
    ``combo-*``); an element lacking a component cannot match and gets no rows.
    """
    present = resource.keys()
    for c in _compiled(resource_type):
        group = 0
        for context in c.contexts:
            if context.visit is None:
                elements: list[Node] = [(resource, None)]
            elif present.isdisjoint(context.first):
                continue
            else:
                elements = []
                context.visit(resource, elements)
            for element, _kind in elements:
                yield from _element_rows(c, context, element, group)
                group += 1


def _element_rows(
    c: _Compiled, context: _CompiledContext, element: Any, group: int
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    per_component: list[list[tuple[Any, ...]]] = []
    for visits, convert in zip(context.components, c.converters, strict=True):
        nodes: list[Node] = []
        for visit in visits:
            visit(element, nodes)
        rows = list(dict.fromkeys(row for node, kind in nodes for row in convert(node, kind)))
        if not rows:
            return
        per_component.append(rows)
    for i, rows in enumerate(per_component):
        name = f"{c.code}${i}"
        for row in rows:
            yield c.kinds[i], (name, *row, group)
