"""Compile parsed criteria into conditions on a ``resource`` row (DESIGN D4, D7).

Every criterion becomes ``rid IN (index subquery)`` so the database drives the query from
the index. Chains and ``_has`` nest the same compilation on the other type, with that
type's access restriction ANDed in (DESIGN D3).
https://hl7.org/fhir/R4/search.html#chaining
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.util import ClauseAdapter

from gateway.search.parse import Criterion
from gateway.search.terms import DateTerm
from gateway.store.index_tables import VALUE_TABLES, search_reference
from gateway.store.search.conditions import (
    VALUE_CONDITIONS,
    binder,
    date_condition,
    instant,
    values,
)
from gateway.store.tables import resource

Restrict = Callable[[str, FromClause], ColumnElement[bool]]


def criterion_clause(
    c: Criterion, res: FromClause, restrict: Restrict, driving: bool = True, key: str | None = None
) -> ColumnElement[bool]:
    """The condition that ``res`` (a resource table or alias) satisfies criterion ``c``.

    A driving criterion is ``rid IN (index rows)`` (the database starts from it); the others
    are correlated EXISTS probes by ``rid``, so an unselective range is never materialised.
    """
    if c.grouped:
        return or_(
            *(
                _grouped(c, alternative, res, driving, a, key)
                for a, alternative in enumerate(c.parts)
            )
        )
    if c.parts:
        return or_(
            *(
                and_(
                    *(
                        criterion_clause(p, res, restrict, driving, _part(key, a, b))
                        for b, p in enumerate(alternative)
                    )
                )
                for a, alternative in enumerate(c.parts)
            )
        )
    if c.has is not None:
        return _has(c, res, restrict, key)
    if c.chain is not None:
        return _chain(c, res, restrict, key)
    if c.param.code == "_id":
        return _ids(c, res, key)
    if c.param.code == "_lastUpdated":
        return _last_updated(c, res)
    table = VALUE_TABLES[c.param.kind]
    rows = select(table.c.rid).where(
        table.c.res_type == c.resource_type, table.c.param == c.param.code
    )
    if c.missing is not None:
        return res.c.rid.not_in(rows) if c.missing else res.c.rid.in_(rows)
    matching = rows.where(_any_value(c, key))
    if c.modifier == "not":
        return res.c.rid.not_in(matching)
    if not driving:
        # Probe by rid alone (it implies the type), so the rid index serves the probe.
        probe = select(table.c.rid).where(table.c.rid == res.c.rid, table.c.param == c.param.code)
        return exists(probe.where(_any_value(c, key)))
    return res.c.rid.in_(matching)


def _any_value(c: Criterion, key: str | None) -> ColumnElement[bool]:
    condition = VALUE_CONDITIONS[c.param.kind]
    return or_(
        *(
            condition(
                term, c.modifier, binder(values(c.param.kind, term, c.modifier), _name(key, j))
            )
            for j, term in enumerate(c.values)
        )
    )


def _grouped(
    c: Criterion,
    parts: tuple[Criterion, ...],
    res: FromClause,
    driving: bool,
    a: int,
    key: str | None,
) -> ColumnElement[bool]:
    """Every component matches a row of the same element: rows ``C$i`` joined on rid, grp.

    One alias per component (two components may share a table); each component's value
    condition is written for its table and moved onto the alias.
    """
    aliases = [VALUE_TABLES[p.param.kind].alias() for p in parts]
    first = aliases[0]
    joined: FromClause = first
    conditions: list[ColumnElement[bool]] = [first.c.res_type == c.resource_type]
    for i, (alias, part) in enumerate(zip(aliases, parts, strict=True)):
        if i:
            joined = joined.join(
                alias, and_(alias.c.rid == first.c.rid, alias.c.grp == first.c.grp)
            )
        conditions.append(alias.c.param == f"{c.param.code}${i}")
        condition = _any_value(part, _part(key, a, i))
        conditions.append(ClauseAdapter(alias).traverse(condition))
    rows = select(first.c.rid).select_from(joined).where(*conditions)
    if driving:
        return res.c.rid.in_(rows)
    return exists(rows.where(first.c.rid == res.c.rid))


def _part(key: str | None, a: int, b: int) -> str | None:
    return None if key is None else f"{key}p{a}_{b}"


def _inner(key: str | None, k: int) -> str | None:
    return None if key is None else f"{key}h{k}"


def _name(key: str | None, j: int) -> str | None:
    return None if key is None else f"{key}v{j}_"


def criterion_values(c: Criterion, key: str) -> dict[str, Any]:
    """The named values criterion ``c`` binds when compiled with ``key`` (fast path)."""
    found: dict[str, Any] = {}
    for k, inner in enumerate(c.chain_criteria):
        found.update(criterion_values(inner, f"{key}h{k}"))
    for a, alternative in enumerate(c.parts):
        for b, part in enumerate(alternative):
            found.update(criterion_values(part, f"{key}p{a}_{b}"))
    if c.missing is not None or c.chain_criteria or c.parts:
        return found
    for j, term in enumerate(c.values):
        prefix = f"{key}v{j}_"
        found.update((prefix + n, v) for n, v in values(c.param.kind, term, c.modifier).items())
    return found


def _ids(c: Criterion, res: FromClause, key: str | None) -> ColumnElement[bool]:
    if c.missing is not None:
        return false() if c.missing else res.c.rid.isnot(None)
    binds = [
        binder(values("token", t, None), _name(key, j))("code") for j, t in enumerate(c.values)
    ]
    if c.modifier == "not":
        return res.c.res_id.not_in(binds)
    return res.c.res_id.in_(binds)


def _last_updated(c: Criterion, res: FromClause) -> ColumnElement[bool]:
    if c.missing is not None:
        return false() if c.missing else res.c.rid.isnot(None)
    column = res.c.last_updated
    return or_(
        *(
            date_condition(column, column, term.prefix, instant(term.low), instant(term.high))
            for term in c.values
            if isinstance(term, DateTerm)
        )
    )


def _chain(
    c: Criterion, res: FromClause, restrict: Restrict, key: str | None
) -> ColumnElement[bool]:
    """``ref.param=value``: the reference points at a visible target matching the inner one."""
    ref = search_reference.c
    per_type = []
    for k, inner in enumerate(c.chain_criteria):
        target = resource.alias()
        ids = select(target.c.res_id).where(
            _type_is(target, inner.resource_type, inner),
            target.c.deleted.is_(False),
            criterion_clause(inner, target, restrict, True, _inner(key, k)),
            restrict(inner.resource_type, target),
        )
        per_type.append(and_(ref.target_type == inner.resource_type, ref.target_id.in_(ids)))
    rows = select(ref.rid).where(
        ref.res_type == c.resource_type,
        ref.param == c.param.code,
        or_(*per_type),
        ref.url.is_(None),  # relative only: another server's Type/id is not our resource
    )
    return res.c.rid.in_(rows)


def _has(c: Criterion, res: FromClause, restrict: Restrict, key: str | None) -> ColumnElement[bool]:
    """``_has:Source:ref:param=value``: a visible Source matching the inner one refers here."""
    assert c.has is not None
    source_type, ref_param = c.has
    ref = search_reference.c
    source = resource.alias()
    (inner,) = c.chain_criteria
    sources = select(source.c.rid).where(
        _type_is(source, source_type, inner),
        source.c.deleted.is_(False),
        criterion_clause(inner, source, restrict, True, _inner(key, 0)),
        restrict(source_type, source),
    )
    targets = select(ref.target_id).where(
        ref.res_type == source_type,
        ref.param == ref_param.code,
        ref.target_type == c.resource_type,
        ref.url.is_(None),  # relative only, as in chains
        ref.rid.in_(sources),
    )
    return res.c.res_id.in_(targets)


def _type_is(res: FromClause, resource_type: str, inner: Criterion) -> ColumnElement[bool]:
    """The type test of a chain subquery; unindexed when the inner criterion can drive."""
    column = res.c.res_type.concat("") if drivable([inner]) else res.c.res_type
    return column == resource_type


def rank(c: Criterion) -> int:
    """How selective a criterion usually is (lower first): the first one drives the query."""
    if c.missing is not None or c.modifier in ("not", "contains", "text", "below", "above"):
        return 9
    if c.param.code == "_id" or (c.param.type == "reference" and c.chain is None):
        return 0
    if c.parts:
        return 1
    return {"token": 1, "string": 2}.get(c.param.type, 3 if c.chain is not None else 5)


def drivable(criteria: list[Criterion]) -> bool:
    """True when the most selective criterion can drive the query from an index."""
    return bool(criteria) and min(rank(c) for c in criteria) < 9


def all_of(
    criteria: list[Criterion], res: FromClause, restrict: Restrict, named: bool = False
) -> ColumnElement[bool]:
    """Every criterion ANDed (AND by repeating a parameter), the most selective first.

    ``named`` gives every value a name from its position (see :func:`all_values`).
    """
    ordered = sorted(criteria, key=rank)
    return and_(
        true(),
        *(
            criterion_clause(c, res, restrict, i == 0, f"c{i}" if named else None)
            for i, c in enumerate(ordered)
        ),
    )


def all_values(criteria: list[Criterion]) -> dict[str, Any]:
    """The named values of :func:`all_of` with ``named=True``, without building any SQL."""
    found: dict[str, Any] = {}
    for i, c in enumerate(sorted(criteria, key=rank)):
        found.update(criterion_values(c, f"c{i}"))
    return found
