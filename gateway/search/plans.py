"""Per-type extraction plans: every compiled path of a type turned into Python closures once.

A path (see :mod:`gateway.search.expressions`) becomes a chain of ``visit(node, out)``
functions, one per step, each specialised for what its step needs (alternatives, a
``where(field='value')`` filter, a ``where(resolve() is T)`` filter, an Extension at the end),
so extraction reads the JSON without interpreting the step dictionaries again for every
resource (DESIGN D4). Expressions outside the compiled subset run on fhirpathpy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from gateway.search import values
from gateway.search.expressions import compile_paths, split_union
from gateway.search.registry import SearchParam, indexed_params

Node = tuple[Any, str | None]
Visit = Callable[[Any, list[Node]], None]
Step = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ParamPlan:
    """How to extract one parameter: its code, index kind, converter and node visitors.

    ``first``: the top-level keys its paths start with (a resource without any of them has
    no value; empty when the FHIRPath engine runs).
    """

    code: str
    kind: str
    convert: Callable[[Any, str | None], Iterator[values.Row]]
    visits: tuple[Visit, ...]
    first: frozenset[str] = frozenset()
    # A path of one plain step (``Observation.status``): its key and FHIR type, read inline.
    key: str | None = None
    key_type: str | None = None

    def nodes(self, resource: Mapping[str, Any]) -> list[Node]:
        """Every element the parameter's expression selects in ``resource``."""
        found: list[Node] = []
        for visit in self.visits:
            visit(resource, found)
        return found


@cache
def plan(resource_type: str) -> tuple[ParamPlan, ...]:
    """The extraction plan of ``resource_type``, in registry order (built once per type)."""
    return tuple(param_plan(sp, resource_type) for sp in indexed_params(resource_type))


def param_plan(sp: SearchParam, resource_type: str) -> ParamPlan:
    """The plan of one parameter: compiled visitors, or the FHIRPath engine."""
    convert = values.CONVERTERS[sp.kind]
    paths = sp.paths if sp.paths is not None else _paths(sp.expression, resource_type)
    if paths is None:
        return ParamPlan(sp.code, sp.kind, convert, (_engine_visit(sp.expression),))
    first = frozenset(str(key) for path in paths for key, _kind in path[0]["a"])
    visits = tuple(compile_path(p) for p in paths)
    step = paths[0][0] if len(paths) == 1 and len(paths[0]) == 1 else None
    if step is None or len(step["a"]) != 1 or _filter(step) or step["a"][0][1] == "Extension":
        return ParamPlan(sp.code, sp.kind, convert, visits, first)
    key, key_type = step["a"][0]
    return ParamPlan(sp.code, sp.kind, convert, visits, first, str(key), key_type)


def _paths(expression: str, resource_type: str) -> list[list[Step]] | None:
    """Paths for an expression the registry left to the engine, when they now compile."""
    found: list[list[Step]] = []
    for part in split_union(expression):
        paths = compile_paths(part, resource_type)
        if paths is None:
            return None
        found.extend(paths)
    return found or None


def compile_path(path: Sequence[Step]) -> Visit:
    """The visitor of a whole path: appends every selected (element, FHIR type) to ``out``."""
    visit: Visit | None = None
    for step in reversed(path):
        visit = _step(step, visit)
    assert visit is not None
    return visit


def _step(step: Step, inner: Visit | None) -> Visit:
    alternatives = tuple((str(key), kind) for key, kind in step["a"])
    accept = _filter(step)
    extension = inner is None and any(kind == "Extension" for _key, kind in alternatives)
    # The common last step (no filter, no Extension) appends the elements as they are.
    plain = accept is None and inner is None and not extension
    emit: Callable[[Any, str | None, list[Node]], None]
    if inner is not None:
        nested = inner

        def emit(item: Any, kind: str | None, out: list[Node]) -> None:
            nested(item, out)

    else:

        def emit(item: Any, kind: str | None, out: list[Node]) -> None:
            out.append(_unwrap(item, kind))

    def visit(node: Any, out: list[Node]) -> None:
        if not isinstance(node, dict):
            return
        for key, kind in alternatives:
            value = node.get(key)
            if value is None:
                continue
            if plain:
                if isinstance(value, list):
                    out.extend((item, kind) for item in value)
                else:
                    out.append((value, kind))
                continue
            for item in value if isinstance(value, list) else (value,):
                if accept is None or accept(item):
                    emit(item, kind, out)

    return visit


def _filter(step: Step) -> Callable[[Any], bool] | None:
    where = step.get("w")
    target = step.get("r")
    if not where and not target:
        return None
    field_name, wanted = where if where else (None, None)

    def accept(item: Any) -> bool:
        if field_name is not None and not (
            isinstance(item, dict) and item.get(field_name) == wanted
        ):
            return False
        return not target or values.reference_type(item) == target

    return accept


def _unwrap(item: Any, kind: str | None) -> Node:
    """An Extension at the end of a path stands for its value[x]."""
    if kind == "Extension" and isinstance(item, dict):
        for key, value in item.items():
            if key.startswith("value"):
                return value, values.choice_type(key[5:])
        return None, None
    return item, kind


def _engine_visit(expression: str) -> Visit:
    def visit(node: Any, out: list[Node]) -> None:
        if not expression:
            return
        try:
            results = _compiled(expression)(dict(node))
        except Exception:
            return
        out.extend((item, None) for item in results)

    return visit


@cache
def _compiled(expression: str) -> Any:
    from fhirpathpy import compile as fhirpath_compile
    from fhirpathpy.models import models

    return fhirpath_compile(expression, models["r4"])
