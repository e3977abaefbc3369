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
    conn: Connection, items: Sequence[tuple[int, str, IndexRows | TableRows]], fresh: bool = False
) -> None:
    """Replace the index rows of many resources with rows already extracted (``extract``),
    or already laid out per table (:func:`table_rows`).

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


# The index rows of one resource ready for insertion but for their leading rid, per table
# (:func:`table_rows`): made where the resource is prepared (a load's worker process), so the
# writing process only puts the rid in front (bench/README.md, "Feed load").
TableRows = dict[str, list[tuple[Any, ...]]]
_TABLES = {table.name: table for table in ALL_TABLES}


def table_rows(resource_type: str, rows: IndexRows) -> TableRows:
    """``rows`` as tuples in column order after ``rid``, per table name."""
    out: TableRows = {}
    for kind, kind_rows in rows.rows.items():
        table = VALUE_TABLES[kind]
        # A row may stop before the last columns (``grp``: only grouped composites).
        width = len(table.columns) - 2
        out[table.name] = [
            (resource_type, *row, *(None,) * (width - len(row))) for row in kind_rows
        ]
    if rows.patients:
        out[search_compartment.name] = [(pid,) for pid in sorted(rows.patients)]
    return out


def _table_rows(
    extracted: Iterable[tuple[int, str, IndexRows | TableRows]],
) -> list[tuple[Table, list[tuple[Any, ...]]]]:
    """The rows to insert per index table, as tuples in column order."""
    batches: dict[str, list[tuple[Any, ...]]] = {}
    for rid, rtype, rows in extracted:
        ready = rows if isinstance(rows, dict) else table_rows(rtype, rows)
        for name, tuples in ready.items():
            batch = batches.get(name)
            if batch is None:
                batch = batches[name] = []
            batch.extend([(rid, *row) for row in tuples])
    return [(_TABLES[name], batch) for name, batch in batches.items()]


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
