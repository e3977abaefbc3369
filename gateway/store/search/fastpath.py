"""Reuse the compiled SQL of a main query across requests of the same shape (hot path).

Building and executing a SQLAlchemy statement costs several times the database work of a
selective search (PERFORMANCE.md). Requests that differ only in their values share one
compiled statement: values are bound by name (``c<i>v<j>_<name>``, ``ctx_pid``, ``cursor``),
computed by the pure value functions, and the statement runs on the DB-API cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.search.parse import Criterion
from gateway.search.terms import Term

MAX_SHAPES = 2048


@dataclass(frozen=True, slots=True)
class _Entry:
    sql: str
    names: tuple[str, ...]
    positional: bool
    constants: dict[str, Any]


_CACHE: dict[Hashable, _Entry] = {}


def eligible(criteria: Sequence[Criterion]) -> bool:
    """Everything but _lastUpdated (its timestamps need the driver's type handling)."""
    return all(c.param.code != "_lastUpdated" and eligible(c.chain_criteria) for c in criteria)


def _term_shape(term: Term) -> tuple[Any, ...]:
    fields = tuple(
        "" if getattr(term, f) == "" else getattr(term, f) is None
        for f in term.__slots__
        if f != "prefix"
    )
    return (type(term).__name__, getattr(term, "prefix", None), fields)


def shape(criteria: Sequence[Criterion]) -> tuple[Any, ...]:
    """What determines a statement's structure (never the searched values)."""
    return tuple(
        (
            c.resource_type,
            c.param.code,
            c.modifier,
            c.missing,
            tuple(map(_term_shape, c.values)),
            c.has[0] if c.has else None,
            shape(c.chain_criteria),
            tuple(shape(alternative) for alternative in c.parts),
        )
        for c in criteria
    )


def context_shape(ctx: AccessContext) -> tuple[Any, ...]:
    """The access context's part of the shape: the patient id is a bound value."""
    grants = tuple(sorted(ctx.grants.items()))
    return (ctx.kind, ctx.patient_id is not None, grants, ctx.all_types)


def rows(
    conn: Connection, key: Hashable, build: Callable[[], Select[Any]], values: Mapping[str, Any]
) -> list[Any]:
    """The rows of the statement for ``key`` (built and compiled on first use) with ``values``."""
    entry = _CACHE.get((conn.dialect.name, key))
    if entry is None:
        compiled = build().compile(dialect=conn.dialect)
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.params)
        entry = _Entry(str(compiled), names, positional, dict(compiled.params))
        if len(_CACHE) >= MAX_SHAPES:
            _CACHE.clear()
        _CACHE[(conn.dialect.name, key)] = entry
    merged = {**entry.constants, **values}
    args: Any = (
        tuple(merged[n] for n in entry.names)
        if entry.positional
        else {n: merged[n] for n in entry.names}
    )
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(entry.sql, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()
