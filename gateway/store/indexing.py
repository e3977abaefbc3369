"""The seam between the store's writes and the search index (DESIGN D1, D4).

The repository calls these inside the write's transaction, so index rows always match the
stored body. Extraction is pure (:mod:`gateway.search.extract`); this module only writes.
Index writes are the bulk of a write's cost, so the statements are plain positional SQL built
once per table and run on the DB-API cursor (``executemany`` of tuples), like the read path
(PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from gateway.search.extract import IndexRows, extract
from gateway.store.index_tables import ALL_TABLES, VALUE_TABLES, search_compartment


@cache
def _insert_sql(table: Table, paramstyle: str) -> str:
    """``INSERT`` of every column, in table order, with positional parameters.

    Index rows come as tuples in column order (``rid``, ``res_type``, then the extracted row),
    so no per-row dict is built: sqlite3 takes ``?``, psycopg ``%s``. Table and column names
    come from our own metadata, never from input.
    """
    columns = ", ".join(c.name for c in table.columns)
    markers = ", ".join(_marker(paramstyle) for _ in table.columns)
    return f"INSERT INTO {table.name} ({columns}) VALUES ({markers})"  # noqa: S608


@cache
def _delete_sql(table: Table, paramstyle: str) -> str:
    return f"DELETE FROM {table.name} WHERE rid = {_marker(paramstyle)}"  # noqa: S608


def _marker(paramstyle: str) -> str:
    return "?" if paramstyle == "qmark" else "%s"


def _executemany(conn: Connection, sql: str, params: Sequence[Any]) -> None:
    # sqlite3 and psycopg 3 cursors both take executemany; psycopg pipelines the batch.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()


def write_index(
    conn: Connection, rid: int, resource_type: str, resource: Mapping[str, Any]
) -> None:
    """Replace the index rows of resource ``rid`` with those extracted from ``resource``.

    Version 1 is a resource the repository has just inserted under a new ``rid``: it has no
    index rows yet, so the deletes are skipped (they are most of a create's index cost).
    """
    fresh = (resource.get("meta") or {}).get("versionId") == "1"
    write_index_many(conn, [(rid, resource_type, resource)], fresh=fresh)


def write_index_many(
    conn: Connection, items: Sequence[tuple[int, str, Mapping[str, Any]]], fresh: bool = False
) -> None:
    """Replace the index rows of many resources with batched statements (bulk loads).

    ``fresh``: the rids are new and have no rows yet (no deletes needed).
    """
    write_rows_many(conn, [(rid, rtype, extract(rtype, body)) for rid, rtype, body in items], fresh)


def write_rows_many(
    conn: Connection, items: Sequence[tuple[int, str, IndexRows]], fresh: bool = False
) -> None:
    """Replace the index rows of many resources with rows already extracted (``extract``).

    Loads extract in their prepare stage (worker processes), outside the write transaction.
    """
    if not items:
        return
    if not fresh:
        with _pipelined(conn):
            delete_index_many(conn, [rid for rid, _t, _r in items])
    _write(conn, items)


@contextmanager
def _pipelined(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send the deletes in one pipeline (one network wait)."""
    dbapi = conn.connection.dbapi_connection
    pipeline = getattr(dbapi, "pipeline", None) if conn.dialect.name == "postgresql" else None
    if pipeline is None:
        yield
        return
    with pipeline():
        yield


def _write(conn: Connection, extracted: Iterable[tuple[int, str, IndexRows]]) -> None:
    batches: dict[str, list[tuple[Any, ...]]] = {}
    members: list[tuple[int, str]] = []
    for rid, rtype, rows in extracted:
        for kind, kind_rows in rows.rows.items():
            batches.setdefault(kind, []).extend((rid, rtype, *row) for row in kind_rows)
        members.extend((rid, pid) for pid in sorted(rows.patients))
    tables = [(VALUE_TABLES[kind], batch) for kind, batch in batches.items()]
    if members:
        tables.append((search_compartment, members))
    for table, table_rows in tables:
        if conn.dialect.name == "postgresql":
            _copy(conn, table, table_rows)
        else:
            _executemany(conn, _insert_sql(table, conn.dialect.paramstyle), table_rows)


def _copy(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """PostgreSQL ``COPY ... FROM STDIN``: about twice as fast as a pipelined executemany."""
    columns = ", ".join(c.name for c in table.columns)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def delete_index(conn: Connection, rid: int) -> None:
    """Remove every index row of resource ``rid`` (on delete)."""
    delete_index_many(conn, [rid])


def delete_index_many(conn: Connection, rids: Sequence[int]) -> None:
    """Remove every index row of the resources ``rids``."""
    params = [(rid,) for rid in rids]
    for table in ALL_TABLES:
        _executemany(conn, _delete_sql(table, conn.dialect.paramstyle), params)
