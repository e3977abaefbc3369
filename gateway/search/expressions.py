"""Compile SearchParameter FHIRPath expressions into simple JSON paths, where possible.

A compiled path is a list of steps ``{"a": [[json_key, fhir_type], ...], "w": [field, value],
"r": target_type}``: alternatives (choice types expand to their ``value[x]`` keys), an
optional ``where(field='value')`` filter and an optional ``where(resolve() is Type)``
reference filter. Expressions outside this subset return ``None`` and are evaluated by
fhirpathpy at index time. https://hl7.org/fhir/R4/fhirpath.html
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FUNC = re.compile(r"\.(ofType|as)\(([A-Za-z]+)\)")
_AS = re.compile(r"^\((.*) as ([A-Za-z]+)\)$")
_WHERE_RESOLVE = re.compile(r"\.where\(resolve\(\) is ([A-Za-z]+)\)")
_WHERE_EQ = re.compile(r"\.where\(([A-Za-z]+) ?= ?'([^']*)'\)")
_RESOURCE_BASES = ("Resource", "DomainResource")


def split_union(expression: str) -> list[str]:
    """The top-level ``|`` alternatives of an expression (outside parentheses and quotes)."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, ch in enumerate(expression):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == "|":
            parts.append(expression[start:i].strip())
            start = i + 1
    parts.append(expression[start:].strip())
    return [p for p in parts if p]


@cache
def _model() -> dict[str, Any]:
    from fhirpathpy.models import models

    model: dict[str, Any] = models["r4"]
    return model


def _strip(part: str) -> str:
    part = part.strip()
    match = _AS.match(part)
    if match:
        return f"{match.group(1)}.ofType({match.group(2)})"
    while part.startswith("(") and part.endswith(")") and split_union(part[1:-1]) == [part[1:-1]]:
        part = part[1:-1].strip()
    # ``(X.ofType(T)).text``: drop the grouping parentheses around a single path.
    return re.sub(r"^\(([^()]*(?:\([^()]*\))?)\)", r"\1", part)


@cache
def _backbones() -> frozenset[str]:
    """Paths with children of their own (backbone elements): every proper prefix of a path."""
    found: set[str] = set()
    for key in _model()["path2Type"]:
        parts = key.split(".")
        found.update(".".join(parts[:n]) for n in range(1, len(parts)))
    return frozenset(found)


def _lookup(context: str, name: str) -> list[list[str]] | None:
    model = _model()
    path = f"{context}.{name}"
    path = model["pathsDefinedElsewhere"].get(path, path)
    choices = model["choiceTypePaths"].get(path)
    if choices:
        return [[name + c, _type_name(c)] for c in choices]
    found = model["path2Type"].get(path)
    if found:
        return [[name, found]]
    if path in _backbones():
        return [[name, path]]  # a backbone element: its children are keyed by its path
    parent = model["type2Parent"].get(context)
    return _lookup(parent, name) if parent else None


def _type_name(choice: str) -> str:
    primitive = choice[0].lower() + choice[1:]
    return primitive if primitive in _PRIMITIVES else choice


_PRIMITIVES = frozenset(
    [
        "base64Binary",
        "boolean",
        "canonical",
        "code",
        "date",
        "dateTime",
        "decimal",
        "id",
        "instant",
        "integer",
        "markdown",
        "oid",
        "positiveInt",
        "string",
        "time",
        "unsignedInt",
        "uri",
        "url",
        "uuid",
    ]
)


def compile_expression(part: str, base: str) -> list[dict[str, Any]] | None:
    """The steps of one union member for resources of type ``base``, or ``None``.

    ``None`` also when the member needs several paths (see :func:`compile_paths`).
    """
    paths = compile_paths(part, base)
    return paths[0] if paths is not None and len(paths) == 1 else None


def compile_paths(part: str, base: str) -> list[list[dict[str, Any]]] | None:
    """The paths one union member selects in resources of type ``base``, or ``None``.

    Usually one; a choice followed by a child of different types (``value.code`` is a
    ``code`` in Coding and Quantity, a CodeableConcept in Timing) forks one path per type.
    """
    text = _strip(part)
    head = _IDENT.match(text)
    if not head or head.group(0) not in (base, *_RESOURCE_BASES):
        return None
    return _paths_from(text, head.end(), base)


def compile_relative(part: str, context: str) -> list[list[dict[str, Any]]] | None:
    """The paths of an expression evaluated on an element of type ``context``.

    Composite components are written relative to the composite's element (``code``,
    ``value.ofType(Quantity)`` on ``Observation.component``).
    """
    return _paths_from("." + _strip(part), 0, context)


def _paths_from(text: str, pos: int, base: str) -> list[list[dict[str, Any]]] | None:
    states: list[tuple[list[dict[str, Any]], str]] = [([], base)]
    while pos < len(text):
        forked: list[tuple[list[dict[str, Any]], str]] = []
        end = pos
        for steps, context in states:
            found = _next_step(text, pos, context, steps)
            if found is None:
                return None
            end, more = found
            forked.extend(more)
        pos, states = end, forked
    paths = [steps for steps, _context in states]
    return paths if all(paths) else None


State = tuple[list[dict[str, Any]], str]


def _next_step(
    text: str, pos: int, context: str, steps: list[dict[str, Any]]
) -> tuple[int, list[State]] | None:
    rest = text[pos:]
    for pattern, apply in (
        (_FUNC, _apply_type),
        (_WHERE_RESOLVE, _apply_resolve),
        (_WHERE_EQ, _apply_where),
    ):
        match = pattern.match(rest)
        if match:
            if not steps or not apply(steps[-1], match):
                return None
            return pos + match.end(), [(steps, _context_of(steps[-1], context))]
    match = re.match(r"\.([A-Za-z_][A-Za-z0-9_]*)", rest)
    if not match:
        return None
    name = match.group(1)
    states: list[State] = [(steps, context)]
    if steps and len(steps[-1]["a"]) > 1:
        states = _narrow(steps, name)
    found: list[State] = []
    for path, parent in states:
        alternatives = _lookup(parent, name)
        if alternatives is None:
            return None
        path.append({"a": alternatives})
        found.append((path, _context_of(path[-1], parent)))
    return (pos + match.end(), found) if found else None


def _narrow(steps: list[dict[str, Any]], name: str) -> list[State]:
    """After a choice (``value``), one path per type of child ``name`` (``value.code``).

    FHIRPath navigates into whichever ``value[x]`` is present, so only the types with that
    child can yield anything; they are grouped by what the child is, each group a path.
    """
    groups: dict[str, list[list[str]]] = {}
    for alternative in steps[-1]["a"]:
        child = _lookup(str(alternative[1]), name)
        if child is not None:
            groups.setdefault(repr(child), []).append(alternative)
    return [([*steps[:-1], {**steps[-1], "a": kept}], str(kept[0][1])) for kept in groups.values()]


def _context_of(step: dict[str, Any], context: str) -> str:
    alternatives = step["a"]
    return str(alternatives[0][1]) if len(alternatives) == 1 else context


def _apply_type(step: dict[str, Any], match: re.Match[str]) -> bool:
    wanted = _type_name(match.group(2)[0].upper() + match.group(2)[1:])
    kept = [a for a in step["a"] if a[1] == wanted]
    if not kept and len(step["a"]) == 1 and step["a"][0][1] in (wanted, "Element"):
        kept = step["a"]
    step["a"] = kept
    return bool(kept)


def _apply_resolve(step: dict[str, Any], match: re.Match[str]) -> bool:
    step["r"] = match.group(1)
    return True


def _apply_where(step: dict[str, Any], match: re.Match[str]) -> bool:
    if "w" in step:
        return False
    step["w"] = [match.group(1), match.group(2)]
    return True
