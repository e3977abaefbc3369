"""The seam between the store's writes and the search index (DESIGN D1, D4).

The repository calls these inside the write's transaction, so index rows always match the
stored body. Extraction is pure (:mod:`gateway.search.extract`); this module only writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from gateway.search.extract import IndexRows, extract
from gateway.store.index_tables import ALL_TABLES, VALUE_TABLES, search_compartment

_COLUMNS: dict[str, tuple[str, ...]] = {
    kind: tuple(c.name for c in table.columns if c.name not in ("rid", "res_type"))
    for kind, table in VALUE_TABLES.items()
}


def write_index(
    conn: Connection, rid: int, resource_type: str, resource: Mapping[str, Any]
) -> None:
    """Replace the index rows of resource ``rid`` with those extracted from ``resource``."""
    write_index_many(conn, [(rid, resource_type, resource)])


def write_index_many(conn: Connection, items: Sequence[tuple[int, str, Mapping[str, Any]]]) -> None:
    """Replace the index rows of many resources with batched statements (bulk loads)."""
    if not items:
        return
    delete_index_many(conn, [rid for rid, _t, _r in items])
    _insert(conn, ((rid, rtype, extract(rtype, body)) for rid, rtype, body in items))


def _insert(conn: Connection, extracted: Iterable[tuple[int, str, IndexRows]]) -> None:
    batches: dict[str, list[dict[str, Any]]] = {}
    members: list[dict[str, Any]] = []
    for rid, rtype, rows in extracted:
        for kind, kind_rows in rows.rows.items():
            names = _COLUMNS[kind]
            batch = batches.setdefault(kind, [])
            batch.extend(
                {"rid": rid, "res_type": rtype, **dict(zip(names, row, strict=True))}
                for row in kind_rows
            )
        members.extend({"rid": rid, "patient_id": pid} for pid in sorted(rows.patients))
    for kind, batch in batches.items():
        conn.execute(insert(VALUE_TABLES[kind]), batch)
    if members:
        conn.execute(insert(search_compartment), members)


def delete_index(conn: Connection, rid: int) -> None:
    """Remove every index row of resource ``rid`` (on delete)."""
    delete_index_many(conn, [rid])


def delete_index_many(conn: Connection, rids: Sequence[int]) -> None:
    """Remove every index row of the resources ``rids``."""
    for table in ALL_TABLES:
        if len(rids) == 1:
            conn.execute(delete(table).where(table.c.rid == rids[0]))
        else:
            conn.execute(delete(table).where(table.c.rid.in_(rids)))
