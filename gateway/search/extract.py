"""Index extraction: the values of every search parameter of one resource (DESIGN D4).

Compiled paths walk the JSON directly; the few expressions outside the compiled subset run
on fhirpathpy. Only the parameters of the resource's own type are evaluated.
https://hl7.org/fhir/R4/search.html
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from gateway.search import values
from gateway.search.registry import SearchParam, compartment_params, indexed_params

Node = tuple[Any, str | None]


@dataclass(slots=True)
class IndexRows:
    """The index rows of one resource, per table, each row starting with the parameter code."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    patients: set[str] = field(default_factory=set)

    def add(self, kind: str, row: tuple[Any, ...]) -> None:
        """Add one row to the table of parameter type ``kind``."""
        self.rows.setdefault(kind, []).append(row)


def extract(resource_type: str, resource: Mapping[str, Any]) -> IndexRows:
    """Every index row of ``resource`` plus the patients whose compartment holds it."""
    out = IndexRows()
    for sp in indexed_params(resource_type):
        convert = values.CONVERTERS[sp.type]
        seen: set[tuple[Any, ...]] = set()
        for node, kind in _nodes(sp, resource):
            for row in convert(node, kind):
                if row not in seen:
                    seen.add(row)
                    out.add(sp.type, (sp.code, *row))
    out.patients = _patients(resource_type, resource, out)
    return out


def _patients(resource_type: str, resource: Mapping[str, Any], out: IndexRows) -> set[str]:
    if resource_type == "Patient" and resource.get("id"):
        return {str(resource["id"])}
    links = set(compartment_params(resource_type))
    if not links:
        return set()
    return {
        row[2] for row in out.rows.get("reference", ()) if row[0] in links and row[1] == "Patient"
    }


def _nodes(sp: SearchParam, resource: Mapping[str, Any]) -> Iterator[Node]:
    if sp.paths is None:
        yield from _engine(sp.expression, resource)
        return
    for path in sp.paths:
        yield from _walk(resource, path, 0)


def _walk(node: Any, path: tuple[dict[str, Any], ...], index: int) -> Iterator[Node]:
    step = path[index]
    last = index == len(path) - 1
    for key, kind in step["a"]:
        value = node.get(key) if isinstance(node, dict) else None
        if value is None:
            continue
        for item in value if isinstance(value, list) else (value,):
            if not _passes(step, item):
                continue
            if last:
                yield _unwrap(item, kind)
            else:
                yield from _walk(item, path, index + 1)


def _passes(step: dict[str, Any], item: Any) -> bool:
    where = step.get("w")
    if where and not (isinstance(item, dict) and item.get(where[0]) == where[1]):
        return False
    target = step.get("r")
    return not target or values.reference_type(item) == target


def _unwrap(item: Any, kind: str | None) -> Node:
    """An Extension at the end of a path stands for its value[x]."""
    if kind == "Extension" and isinstance(item, dict):
        for key, value in item.items():
            if key.startswith("value"):
                return value, values.choice_type(key[5:])
        return None, None
    return item, kind


def _engine(expression: str, resource: Mapping[str, Any]) -> Iterator[Node]:
    if not expression:
        return
    try:
        results = _compiled(expression)(dict(resource))
    except Exception:
        return
    for item in results:
        yield item, None


@cache
def _compiled(expression: str) -> Any:
    from fhirpathpy import compile as fhirpath_compile
    from fhirpathpy.models import models

    return fhirpath_compile(expression, models["r4"])
