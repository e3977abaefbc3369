"""Positional INSERT and DELETE statements run as one DB-API ``executemany`` (bulk writes).

Written once per table from our own metadata and run on the raw cursor with tuples in column
order: no per-row dict and none of SQLAlchemy's per-call machinery, which costs more than the
SQL itself in bulk (PERFORMANCE.md). Values are converted as SQLAlchemy's column types would
(dates on SQLite, for one), so the rows read back exactly as the Core statements' rows do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect


@cache
def insert_sql(table: Table, paramstyle: str) -> str:
    """``INSERT`` of every column, in table order, with positional parameters.

    sqlite3 takes ``?``, psycopg ``%s``. Table and column names come from our own metadata,
    never from input.
    """
    columns = ", ".join(c.name for c in table.columns)
    markers = ", ".join(_marker(paramstyle) for _ in table.columns)
    return f"INSERT INTO {table.name} ({columns}) VALUES ({markers})"  # noqa: S608


@cache
def delete_sql(table: Table, paramstyle: str) -> str:
    """``DELETE`` of the rows of one resource (column ``rid``)."""
    return f"DELETE FROM {table.name} WHERE rid = {_marker(paramstyle)}"  # noqa: S608


def _marker(paramstyle: str) -> str:
    return "?" if paramstyle == "qmark" else "%s"


def executemany(conn: Connection, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` once per parameter tuple; psycopg pipelines the batch."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()


def insert_rows(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert whole rows of ``table``, as tuples in column order, typed as Core would."""
    if not rows:
        return
    converters = _converters(table, conn.dialect)
    if converters:
        rows = [_converted(row, converters) for row in rows]
    executemany(conn, insert_sql(table, conn.dialect.paramstyle), rows)


Converter = tuple[int, Callable[[Any], Any]]


def _converted(row: tuple[Any, ...], converters: tuple[Converter, ...]) -> tuple[Any, ...]:
    values = list(row)
    for index, convert in converters:
        values[index] = convert(values[index])
    return tuple(values)


_CONVERTERS: dict[tuple[str, str], tuple[Converter, ...]] = {}


def _converters(table: Table, dialect: Dialect) -> tuple[Converter, ...]:
    """The columns whose type converts values on this dialect, with their bind processors."""
    key = (table.name, dialect.name)
    found = _CONVERTERS.get(key)
    if found is None:
        found = tuple(
            (index, processor)
            for index, column in enumerate(table.columns)
            if (processor := column.type.dialect_impl(dialect).bind_processor(dialect))
        )
        _CONVERTERS[key] = found
    return found
