"""The seam between the store's writes and the search index (DESIGN D1, D4).

The repository calls these inside the write's transaction, so index rows always match the
stored body. Extraction is pure (:mod:`gateway.search.extract`); this module only writes.
Index writes are the bulk of a write's cost, so the statements are compiled once per
dialect and run on the DB-API cursor (``executemany``), like the read path (PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert
from sqlalchemy.engine import Connection, Dialect

from gateway.search.extract import IndexRows, extract
from gateway.store.index_tables import ALL_TABLES, VALUE_TABLES, search_compartment

_COLUMNS: dict[str, tuple[str, ...]] = {
    kind: tuple(c.name for c in table.columns if c.name not in ("rid", "res_type"))
    for kind, table in VALUE_TABLES.items()
}


class _Compiled:
    """One statement compiled for a dialect: SQL text and how to order its parameters."""

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.positions = tuple(compiled.positiontup) if compiled.positional else None

    def args(self, row: Mapping[str, Any]) -> Any:
        """The DB-API parameters for one row given by column name."""
        if self.positions is None:
            return row
        return tuple(row[name] for name in self.positions)


_COMPILED: dict[tuple[str, str, str], _Compiled] = {}


def _insert(table: Table, dialect: Dialect) -> _Compiled:
    key = ("insert", table.name, dialect.name)
    if key not in _COMPILED:
        values: dict[str, Any] = {c.name: bindparam(c.name) for c in table.columns}
        _COMPILED[key] = _Compiled(insert(table).values(values), dialect)
    return _COMPILED[key]


def _delete(table: Table, dialect: Dialect) -> _Compiled:
    key = ("delete", table.name, dialect.name)
    if key not in _COMPILED:
        _COMPILED[key] = _Compiled(delete(table).where(table.c.rid == bindparam("rid")), dialect)
    return _COMPILED[key]


def _executemany(conn: Connection, compiled: _Compiled, rows: Sequence[Mapping[str, Any]]) -> None:
    # sqlite3 and psycopg 3 cursors both take executemany; psycopg pipelines the batch.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(compiled.sql, [compiled.args(r) for r in rows])
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
    if not items:
        return
    extracted = [(rid, rtype, extract(rtype, body)) for rid, rtype, body in items]
    with _pipelined(conn):
        if not fresh:
            delete_index_many(conn, [rid for rid, _t, _r in items])
        _write(conn, extracted)


@contextmanager
def _pipelined(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send the deletes and inserts in one pipeline (one network wait)."""
    dbapi = conn.connection.dbapi_connection
    pipeline = getattr(dbapi, "pipeline", None) if conn.dialect.name == "postgresql" else None
    if pipeline is None:
        yield
        return
    with pipeline():
        yield


def _write(conn: Connection, extracted: Iterable[tuple[int, str, IndexRows]]) -> None:
    batches: dict[str, list[dict[str, Any]]] = {}
    members: list[dict[str, Any]] = []
    for rid, rtype, rows in extracted:
        for kind, kind_rows in rows.rows.items():
            names = _COLUMNS[kind]
            batches.setdefault(kind, []).extend(
                # A row may stop before the last columns (``grp``: only grouped composites).
                {"rid": rid, "res_type": rtype, "grp": None, **dict(zip(names, row, strict=False))}
                for row in kind_rows
            )
        members.extend({"rid": rid, "patient_id": pid} for pid in sorted(rows.patients))
    dialect = conn.dialect
    for kind, batch in batches.items():
        _executemany(conn, _insert(VALUE_TABLES[kind], dialect), batch)
    if members:
        _executemany(conn, _insert(search_compartment, dialect), members)


def delete_index(conn: Connection, rid: int) -> None:
    """Remove every index row of resource ``rid`` (on delete)."""
    delete_index_many(conn, [rid])


def delete_index_many(conn: Connection, rids: Sequence[int]) -> None:
    """Remove every index row of the resources ``rids``."""
    rows = [{"rid": rid} for rid in rids]
    for table in ALL_TABLES:
        _executemany(conn, _delete(table, conn.dialect), rows)
