"""Run a compiled search: one keyset-paged main query, a count, and include queries.

Keyset pagination (never OFFSET): rows are ordered by the sort keys then ``rid``; the page
cursor is the ``rid`` of the last (or first) row, whose key values are looked up again, so
links carry no values. https://hl7.org/fhir/R4/search.html#sort
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import BindParameter

from gateway.search.dates import HIGH, LOW
from gateway.search.results import SortKey
from gateway.store.index_tables import VALUE_TABLES
from gateway.store.tables import resource

_SORT_COLUMN = {
    "string": "value",
    "token": "code",
    "reference": "target_id",
    "number": "value",
    "quantity": "value",
    "uri": "value",
}
_STRING_TOP = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class Hit:
    """One stored resource found by a search."""

    rid: int
    resource_type: str
    resource_id: str
    body: bytes


def sort_expression(resource_type: str, key: SortKey, res: FromClause) -> ColumnElement[Any]:
    """The value a row sorts by; missing values sort last in both directions."""
    if key.code == "_id":
        return res.c.res_id
    if key.code == "_lastUpdated" or key.param is None:
        return res.c.last_updated
    table = VALUE_TABLES[key.param.type]
    if key.param.type == "date":
        column = table.c.high if key.descending else table.c.low
        missing: Any = LOW if key.descending else HIGH
    else:
        column = table.c[_SORT_COLUMN[key.param.type]]
        numeric = key.param.type in ("number", "quantity")
        missing = (
            (-1e308 if key.descending else 1e308)
            if numeric
            else ("" if key.descending else _STRING_TOP)
        )
    pick = func.max(column) if key.descending else func.min(column)
    # Correlated by rid alone (it implies the type) so the rid index serves it.
    value = (
        select(pick)
        .where(table.c.rid == res.c.rid, table.c.param == key.param.code)
        .scalar_subquery()
    )
    return func.coalesce(value, missing)


def _ordered(expressions: Sequence[tuple[ColumnElement[Any], bool]], backwards: bool) -> list[Any]:
    return [e.desc() if desc != backwards else e.asc() for e, desc in expressions]


def _after(
    expressions: Sequence[tuple[ColumnElement[Any], bool]],
    values: Sequence[Any],
    rid: Any,
    cursor: int,
    backwards: bool,
) -> ColumnElement[bool]:
    """Rows strictly after the cursor row in the (possibly reversed) sort order."""
    alternatives = []
    for i, (expr, desc) in enumerate(expressions):
        earlier = [e == v for (e, _d), v in zip(expressions[:i], values[:i], strict=True)]
        later = expr < values[i] if desc != backwards else expr > values[i]
        alternatives.append(and_(*earlier, later))
    ties = [e == v for (e, _d), v in zip(expressions, values, strict=True)]
    alternatives.append(and_(*ties, rid < cursor if backwards else rid > cursor))
    return or_(*alternatives)


def to_hits(rows: Sequence[Any], count: int, backwards: bool) -> tuple[list[Hit], bool]:
    """Page rows (rid, type, id, body; one extra) as hits in display order, and ``more``."""
    found = [
        Hit(r[0], r[1], r[2], r[3] if type(r[3]) is bytes else bytes(r[3])) for r in rows[:count]
    ]
    return (found[::-1] if backwards else found), len(rows) > count


@dataclass(slots=True)
class MainQuery:
    """The main query of one search: where-clause, sort keys and page size."""

    where: ColumnElement[bool]
    sort: list[tuple[ColumnElement[Any], bool]]
    count: int

    def page(self, conn: Connection, cursor: int | None, backwards: bool) -> tuple[list[Hit], bool]:
        """One page of hits in display order, and whether more rows lie beyond it."""
        statement = self.statement(conn, cursor, backwards)
        return self.hits(list(conn.execute(statement)), backwards)

    def statement(self, conn: Connection, cursor: int | None, backwards: bool) -> Select[Any]:
        """The page's SELECT; without sort keys the cursor is the named bind ``cursor``."""
        where = self.where
        if cursor is not None:
            where = and_(where, self._keyset(conn, cursor, backwards))
        order = [
            *_ordered(self.sort, backwards),
            resource.c.rid.desc() if backwards else resource.c.rid.asc(),
        ]
        return (
            select(resource.c.rid, resource.c.res_type, resource.c.res_id, resource.c.body)
            .where(where)
            .order_by(*order)
            .limit(self.count + 1)
        )

    def hits(self, rows: Sequence[Any], backwards: bool) -> tuple[list[Hit], bool]:
        """Rows (rid, type, id, body) as hits in display order, and whether there are more."""
        return to_hits(rows, self.count, backwards)

    def _keyset(self, conn: Connection, cursor: int, backwards: bool) -> ColumnElement[bool]:
        values: Sequence[Any] = ()
        if not self.sort:
            mark: BindParameter[int] = bindparam("cursor", cursor)
            return resource.c.rid < mark if backwards else resource.c.rid > mark
        if self.sort:
            found = conn.execute(
                select(*(e for e, _d in self.sort)).where(resource.c.rid == cursor)
            ).first()
            if found is None:
                return resource.c.rid < cursor if backwards else resource.c.rid > cursor
            values = tuple(found)
        return _after(self.sort, values, resource.c.rid, cursor, backwards)

    def total(self, conn: Connection) -> int:
        """The number of matches (``_total=accurate``, ``_summary=count``)."""
        statement = select(func.count()).select_from(resource).where(self.where)
        return int(conn.execute(statement).scalar_one())


Restrict = Callable[[str, FromClause], ColumnElement[bool]]


def base_condition(types: Sequence[str], type_index: bool = True) -> ColumnElement[bool]:
    """Current, undeleted resources of the given types.

    Without ``type_index`` the type test is written so no index serves it: SQLite would
    otherwise scan every row of the type instead of starting from a selective criterion.
    """
    column: ColumnElement[Any] = (
        resource.c.res_type if type_index else resource.c.res_type.concat("")
    )
    kind = column == types[0] if len(types) == 1 else column.in_(types)
    return and_(true(), kind, resource.c.deleted.is_(False))
