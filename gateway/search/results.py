"""Result parameters: _count, _sort, _include, _revinclude, _summary, _elements, _total.

https://hl7.org/fhir/R4/search.html#return
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.errors import InvalidSearch
from gateway.search.registry import SearchParam, param, params_for

SUMMARY = frozenset({"true", "false", "count", "data", "text"})
TOTAL = frozenset({"none", "accurate", "estimate"})


@dataclass(frozen=True, slots=True)
class SortKey:
    """One ``_sort`` key: a parameter (``None`` for _id and _lastUpdated) and its order."""

    code: str
    param: SearchParam | None
    descending: bool


@dataclass(frozen=True, slots=True)
class Include:
    """One directive: ``Source:param[:Target]`` (``params`` holds every param for ``*``)."""

    source: str
    params: tuple[SearchParam, ...]
    target: str | None
    reverse: bool
    iterate: bool

    def targets(self) -> tuple[str, ...]:
        """The types a forward include can bring in."""
        if self.target:
            return (self.target,)
        found: list[str] = []
        for sp in self.params:
            found.extend(t for t in sp.targets if t not in found)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class ResultOptions:
    """How to shape the searchset."""

    count: int
    sort: tuple[SortKey, ...]
    includes: tuple[Include, ...]
    summary: str | None
    elements: tuple[str, ...]
    total: str


def _last(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    return values[-1] if values else None


def count(params: Sequence[tuple[str, str]], settings: Mapping[str, Any]) -> int:
    """``_count``, defaulted and capped by the settings; 400 when not a number."""
    raw = _last(params, "_count")
    if raw is None:
        return int(settings["SEARCH_DEFAULT_COUNT"])
    if not raw.isdigit():
        raise InvalidSearch("_count must be a non-negative integer", expression=["_count"])
    return min(int(raw), int(settings["SEARCH_MAX_COUNT"]))


def sort_keys(types: Sequence[str], raw: str | None) -> tuple[SortKey, ...]:
    """``_sort=a,-b``: parameters of the searched type (or _id, _lastUpdated)."""
    if not raw:
        return ()
    keys = []
    for item in raw.split(","):
        code = item.lstrip("-")
        if code in ("_id", "_lastUpdated"):
            keys.append(SortKey(code, None, item.startswith("-")))
            continue
        sp = param(types[0], code) if len(types) == 1 else None
        if sp is None or not sp.supported or sp.kind == "position":
            raise InvalidSearch(f"cannot sort by {code}", expression=["_sort"])
        keys.append(SortKey(code, sp, item.startswith("-")))
    return tuple(keys)


def include(raw: str, reverse: bool, iterate: bool) -> Include:
    """``Source:param[:Target]`` or ``Source:*``."""
    name = "_revinclude" if reverse else "_include"
    parts = raw.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise InvalidSearch(f"{name} must be Type:parameter[:Type]", expression=[name])
    source, code = parts[0], parts[1]
    target = parts[2] if len(parts) == 3 else None
    if code == "*":
        found = tuple(p for p in params_for(source).values() if p.type == "reference")
    else:
        sp = param(source, code)
        found = (sp,) if sp is not None and sp.type == "reference" else ()
    if not found:
        raise InvalidSearch(f"{raw} is not a reference parameter", expression=[name])
    return Include(source, found, target, reverse, iterate)


def includes(params: Sequence[tuple[str, str]]) -> tuple[Include, ...]:
    """Every _include/_revinclude directive, with ``:iterate`` (or ``:recurse``)."""
    found = []
    for key, value in params:
        base, _, modifier = key.partition(":")
        if base not in ("_include", "_revinclude"):
            continue
        if modifier not in ("", "iterate", "recurse"):
            raise InvalidSearch(f"{key} is not supported", expression=[key])
        found.append(include(value, base == "_revinclude", bool(modifier)))
    return tuple(found)


def options(
    types: Sequence[str], params: Sequence[tuple[str, str]], settings: Mapping[str, Any]
) -> ResultOptions:
    """Every result parameter, validated."""
    summary = _last(params, "_summary")
    if summary is not None and summary not in SUMMARY:
        raise InvalidSearch(
            "_summary must be true, false, count, data or text", expression=["_summary"]
        )
    total = _last(params, "_total") or "none"
    if total not in TOTAL:
        raise InvalidSearch("_total must be none, estimate or accurate", expression=["_total"])
    elements = tuple(e for e in (_last(params, "_elements") or "").split(",") if e)
    return ResultOptions(
        count=count(params, settings),
        sort=sort_keys(types, _last(params, "_sort")),
        includes=includes(params),
        summary=None if summary == "false" else summary,
        elements=elements,
        total=total,
    )
