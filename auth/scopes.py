"""SMART scopes, v1 and v2, parsed into TypeGrants (our own small module, DESIGN D9).

https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl

from auth.context import Filter, TypeGrant

CONTEXTS = ("patient", "user", "system")
# Scopes that carry no resource access but are understood by this server.
OTHER_SCOPES = frozenset(
    {
        "openid",
        "fhirUser",
        "profile",
        "launch",
        "launch/patient",
        "offline_access",
        "online_access",
    }
)
_V1 = {"read": "rs", "write": "cud", "*": "cruds"}
_PATTERN = re.compile(
    r"^(?P<ctx>patient|user|system)/(?P<type>\*|[A-Z][A-Za-z]+)\."
    r"(?P<perm>read|write|\*|[cruds]+)(?:\?(?P<query>[^\s]+))?$"
)
_ORDER = "cruds"


@dataclass(frozen=True, slots=True)
class ResourceScope:
    """One resource scope: context, type (or ``*``), v2 letters and an optional filter."""

    context: str
    resource_type: str
    interactions: frozenset[str]
    filter: Filter | None = None


def parse_resource_scope(scope: str) -> ResourceScope | None:
    """A resource scope, or ``None`` when ``scope`` is not one (or is malformed)."""
    match = _PATTERN.match(scope)
    if match is None:
        return None
    perm = match["perm"]
    letters = _V1.get(perm, perm)
    if perm not in _V1 and list(letters) != sorted(set(letters), key=_ORDER.index):
        return None  # v2 letters must be in cruds order, each once
    query = match["query"]
    scope_filter: Filter | None = None
    if query:
        if match["type"] == "*":
            return None  # a filter on a wildcard has no meaning here
        scope_filter = tuple(sorted(parse_qsl(query, keep_blank_values=False)))
        if not scope_filter:
            return None
    return ResourceScope(match["ctx"], match["type"], frozenset(letters), scope_filter)


def is_known(scope: str) -> bool:
    """True for a resource scope or another scope this server understands."""
    return scope in OTHER_SCOPES or parse_resource_scope(scope) is not None


def split(scope: str | None) -> list[str]:
    """The distinct scopes of a space-separated string, in their order."""
    return list(dict.fromkeys((scope or "").split()))


@dataclass(frozen=True, slots=True)
class ParsedGrants:
    """The grants of one context: per type, and for every type (``*``)."""

    grants: Mapping[str, TypeGrant]
    all_types: TypeGrant | None


@lru_cache(maxsize=1024)
def grants_for(scope: str, contexts: tuple[str, ...]) -> ParsedGrants:
    """The TypeGrants that ``scope`` gives in the given contexts (cached: tokens repeat).

    Unfiltered letters on a type (or the wildcard) win over filtered ones; filtered scopes on a
    type are OR-ed alternatives. Where a filtered scope adds letters an unfiltered one lacks,
    every letter on that type becomes filtered: narrower, never wider.
    """
    resource = [r for r in map(parse_resource_scope, split(scope)) if r and r.context in contexts]
    wild = frozenset().union(*(r.interactions for r in resource if r.resource_type == "*"))
    all_types = TypeGrant(wild) if wild else None
    by_type: dict[str, list[ResourceScope]] = {}
    for item in resource:
        if item.resource_type != "*":
            by_type.setdefault(item.resource_type, []).append(item)
    grants = {rtype: _merge(items, wild) for rtype, items in by_type.items()}
    return ParsedGrants({k: v for k, v in grants.items() if v is not None}, all_types)


def _merge(items: Iterable[ResourceScope], wild: frozenset[str]) -> TypeGrant | None:
    plain = set(wild)
    filtered: list[ResourceScope] = []
    for item in items:
        if item.filter is None:
            plain |= item.interactions
        else:
            filtered.append(item)
    extra = frozenset().union(*(f.interactions for f in filtered)) - plain
    if not extra:
        return TypeGrant(frozenset(plain)) if plain != set(wild) else None
    filters = tuple(dict.fromkeys(f.filter for f in filtered if f.filter is not None))
    return TypeGrant(frozenset(plain) | extra, filters)


def resource_types(scope: str) -> list[str]:
    """The resource types named by the resource scopes in ``scope`` (``*`` included)."""
    found = [r.resource_type for r in map(parse_resource_scope, split(scope)) if r]
    return list(dict.fromkeys(found))


def without_types(scope: str, removed: Iterable[str]) -> str:
    """``scope`` minus the resource scopes on the given types (consent unticks)."""
    gone = set(removed)
    kept = [
        s
        for s in split(scope)
        if (r := parse_resource_scope(s)) is None or r.resource_type not in gone
    ]
    return " ".join(kept)


def allowed(scope: str | None, contexts: Iterable[str]) -> str:
    """The known scopes of ``scope`` whose resource context is one of ``contexts``."""
    ctx = set(contexts)
    kept = []
    for item in split(scope):
        parsed = parse_resource_scope(item)
        if (parsed is None and item in OTHER_SCOPES) or (parsed and parsed.context in ctx):
            kept.append(item)
    return " ".join(kept)
