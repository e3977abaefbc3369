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
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from gateway.search.extract import IndexRows, extract
from gateway.store import positional
from gateway.store.index_tables import ALL_TABLES, VALUE_TABLES, search_compartment

# From this many index rows on, PostgreSQL gets COPY (one round trip per table); below it, one
# pipelined executemany for all tables (one round trip) is faster: a REST write has about 20.
COPY_MIN_ROWS = 200


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
    tables = _table_rows(items)
    rids = [rid for rid, _t, _r in items]
    copy = conn.dialect.name == "postgresql" and sum(len(r) for _, r in tables) >= COPY_MIN_ROWS
    with _pipelined(conn):
        if not fresh:
            delete_index_many(conn, rids)
        if not copy:
            for table, rows in tables:
                positional.executemany(
                    conn, positional.insert_sql(table, conn.dialect.paramstyle), rows
                )
    if copy:
        for table, rows in tables:
            _copy(conn, table, rows)


@contextmanager
def _pipelined(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send the statements in one pipeline (one network wait)."""
    dbapi = conn.connection.dbapi_connection
    pipeline = getattr(dbapi, "pipeline", None) if conn.dialect.name == "postgresql" else None
    if pipeline is None:
        yield
        return
    with pipeline():
        yield


def _table_rows(
    extracted: Iterable[tuple[int, str, IndexRows]],
) -> list[tuple[Table, list[tuple[Any, ...]]]]:
    """The rows to insert per index table, as tuples in column order."""
    batches: dict[str, list[tuple[Any, ...]]] = {}
    members: list[tuple[Any, ...]] = []
    for rid, rtype, rows in extracted:
        for kind, kind_rows in rows.rows.items():
            # A row may stop before the last columns (``grp``: only grouped composites).
            width = len(VALUE_TABLES[kind].columns) - 2
            batches.setdefault(kind, []).extend(
                (rid, rtype, *row, *(None,) * (width - len(row))) for row in kind_rows
            )
        members.extend((rid, pid) for pid in sorted(rows.patients))
    tables = [(VALUE_TABLES[kind], batch) for kind, batch in batches.items()]
    if members:
        tables.append((search_compartment, members))
    return tables


def _copy(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """PostgreSQL ``COPY ... FROM STDIN``: about three times faster than executemany in bulk."""
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
        positional.executemany(conn, positional.delete_sql(table, conn.dialect.paramstyle), params)
