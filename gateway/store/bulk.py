"""Batched upserts for loads: few statements per batch instead of several per resource.

Feed loads and EHR imports write thousands of resources; per-resource statements cost more
than everything else they do (bench/load_bench.py, bench/ehr_bench.py). Semantics equal
:meth:`Repository.upsert` applied in order: same versions, history, hashes and index rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Connection

from gateway.search.extract import IndexRows, extract
from gateway.store import indexing, positional
from gateway.store.indexing import TableRows
from gateway.store.records import StoredResource, WriteOutcome, as_utc
from gateway.store.repository import ARCHIVE, VersionConflict, later_than, now_ms
from gateway.store.serialized import Serialized
from gateway.store.tables import resource, resource_history

Body = Mapping[str, Any] | Serialized  # a body with its id, or one serialized ahead
Item = tuple[str, Body]  # (resource type, body)
Current = tuple[int, int, datetime, bool, str]  # rid, version, last_updated, deleted, hash
Index = IndexRows | TableRows  # extracted rows, or already laid out per table


class ExtractLater(NamedTuple):
    """The index rows of a :class:`Serialized` body, to extract from its mapped ``body`` only if
    the item is written (a load in one process: an unchanged reload extracts nothing)."""

    body: Mapping[str, Any]


_Entry = tuple[str, Body, Index | ExtractLater | None]


def upsert_many(
    conn: Connection,
    items: Sequence[Item],
    *,
    mapping_version: str | None = None,
    index_rows: Sequence[Index | ExtractLater | None] | None = None,
) -> list[tuple[StoredResource | None, WriteOutcome]]:
    """Upsert every item by its id, in order; run inside the caller's transaction.

    A body may come as a :class:`Serialized` (loads serialize and hash in their worker
    processes): it is then written with its index rows, which must be given.
    ``index_rows``: optional, one :func:`gateway.search.extract.extract` result (or None) per
    item, same order, computed by the caller outside the transaction (loads do it in worker
    processes); where it is missing, or :class:`ExtractLater`, the rows are extracted here, only
    for the items written (an unchanged item costs no extraction).
    """
    if index_rows is not None and len(index_rows) != len(items):
        raise ValueError("index_rows must hold one entry per item")
    rows: Sequence[Index | ExtractLater | None] = index_rows or [None] * len(items)
    entries = [
        (rtype, body, extracted) for (rtype, body), extracted in zip(items, rows, strict=True)
    ]
    if any(isinstance(body, Serialized) and rows is None for _t, body, rows in entries):
        raise ValueError("a Serialized body needs its index rows")
    results: list[tuple[StoredResource | None, WriteOutcome]] = []
    for chunk in _unique_chunks(entries):
        results += _upsert_chunk(conn, chunk, mapping_version)
    return results


def _unique_chunks(entries: Sequence[_Entry]) -> Iterator[list[_Entry]]:
    """Consecutive runs in which no (type, id) repeats, so each run can be written at once."""
    chunk: list[_Entry] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        key = (entry[0], _id_of(entry[1]))
        if key in seen:
            yield chunk
            chunk, seen = [], set()
        chunk.append(entry)
        seen.add(key)
    if chunk:
        yield chunk


def _current(conn: Connection, chunk: Sequence[_Entry]) -> dict[tuple[str, str], Current]:
    """The stored state of the chunk's resources, in one query.

    ``res_type IN (..) AND res_id IN (..)`` uses the (res_type, res_id) unique index on both
    backends; the few cross pairs it also matches are dropped.
    """
    return _stored(conn, {(rtype, _id_of(body)) for rtype, body, _rows in chunk})


def _id_of(body: Body) -> str:
    return body.id if isinstance(body, Serialized) else str(body["id"])


def _stored(conn: Connection, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Current]:
    c = resource.c
    rows = conn.execute(
        select(
            c.res_type, c.res_id, c.rid, c.version_id, c.last_updated, c.deleted, c.content_hash
        ).where(
            c.res_type.in_(sorted({t for t, _ in wanted})),
            c.res_id.in_(sorted({i for _, i in wanted})),
        )
    )
    return {
        (rtype, rid_s): (rid, version, as_utc(updated), bool(deleted), content_hash)
        for rtype, rid_s, rid, version, updated, deleted, content_hash in rows
        if (rtype, rid_s) in wanted
    }


def _upsert_chunk(
    conn: Connection, chunk: Sequence[_Entry], mapping_version: str | None
) -> list[tuple[StoredResource | None, WriteOutcome]]:
    current = _current(conn, chunk)
    given = {(rtype, _id_of(body)): (body, rows) for rtype, body, rows in chunk}
    now = now_ms()
    new_rows: list[dict[str, Any]] = []
    changed: list[tuple[Current, dict[str, Any]]] = []
    plan: list[tuple[str, str, WriteOutcome, dict[str, Any] | None]] = []
    for rtype, body, _rows in chunk:
        rid_s = _id_of(body)
        serialized = body if isinstance(body, Serialized) else Serialized.of(rtype, rid_s, body)
        content_hash = serialized.content_hash
        known = current.get((rtype, rid_s))
        if known is not None and not known[3] and known[4] == content_hash:
            plan.append((rtype, rid_s, WriteOutcome.UNCHANGED, None))
            continue
        version = 1 if known is None else known[1] + 1
        at = now if known is None else later_than(known[2])
        data = serialized.served(version, at)
        row = {
            "res_type": rtype,
            "res_id": rid_s,
            "version_id": version,
            "last_updated": at,
            "deleted": False,
            "body": data,
            "content_hash": content_hash,
            "mapping_version": mapping_version,
        }
        if known is None:
            new_rows.append(row)
            plan.append((rtype, rid_s, WriteOutcome.CREATED, row))
        else:
            changed.append((known, row))
            plan.append((rtype, rid_s, WriteOutcome.UPDATED, row))
    rids = _insert_new(conn, new_rows)
    _update_changed(conn, changed)
    rids.update({(row["res_type"], row["res_id"]): known[0] for known, row in changed})
    _write_history_and_index(conn, new_rows, [row for _, row in changed], rids, given)
    return [
        _result(rtype, rid_s, outcome, row, rids, current) for rtype, rid_s, outcome, row in plan
    ]


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Insert the new resources under rids taken here, in one positional executemany.

    ``RETURNING`` with ordered parameters made SQLAlchemy insert one row per statement on
    SQLite (about 35 us each); taking the rids first spares that and reading them back.
    """
    if not rows:
        return {}
    rids: dict[tuple[str, str], int] = {}
    for row, rid in zip(rows, _new_rids(conn, len(rows)), strict=True):
        row["rid"] = rid
        rids[(row["res_type"], row["res_id"])] = rid
    positional.insert_rows(conn, resource, [_values(resource, row) for row in rows])
    return rids


def _new_rids(conn: Connection, count: int) -> list[int]:
    """``count`` unused rids: from the sequence on PostgreSQL; on SQLite, after the largest.

    SQLite gives an INTEGER PRIMARY KEY the largest rowid plus one, as this does; the write
    transaction (``BEGIN IMMEDIATE``) holds the database's write lock, so no other writer can
    take the same ones (a deferred one would fail to commit rather than collide).
    """
    if conn.dialect.name == "postgresql":
        result = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('resource', 'rid')) "
            "FROM generate_series(1, %(n)s)",
            {"n": count},
        )
        return [int(rid) for (rid,) in result]
    top = conn.exec_driver_sql("SELECT coalesce(max(rid), 0) FROM resource").scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))


def _values(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    """The row's values in the table's column order (one C-level lookup per row)."""
    return _column_getter(table)(row)  # type: ignore[no-any-return]


@cache
def _column_getter(table: Table) -> Callable[[dict[str, Any]], Any]:
    return itemgetter(*(column.name for column in table.columns))


def _update_changed(conn: Connection, changed: list[tuple[Current, dict[str, Any]]]) -> None:
    """New versions of stored resources; the superseded bodies move into their history rows."""
    if not changed:
        return
    superseded = [
        {"a_rid": known[0], "a_version": known[1]} for known, _row in changed if not known[3]
    ]
    if superseded:
        conn.execute(ARCHIVE, superseded)
    statement = (
        update(resource)
        .where(resource.c.rid == bindparam("b_rid"), resource.c.version_id == bindparam("b_old"))
        .values(
            version_id=bindparam("version_id"),
            last_updated=bindparam("last_updated"),
            deleted=False,
            body=bindparam("body"),
            content_hash=bindparam("content_hash"),
            mapping_version=bindparam("mapping_version"),
        )
    )
    params = [{**row, "b_rid": known[0], "b_old": known[1]} for known, row in changed]
    result = conn.execute(statement, params)
    if result.rowcount not in (-1, len(params)):
        raise VersionConflict(None)


def _write_history_and_index(
    conn: Connection,
    new_rows: list[dict[str, Any]],
    changed_rows: list[dict[str, Any]],
    rids: dict[tuple[str, str], int],
    given: dict[tuple[str, str], tuple[Body, Index | ExtractLater | None]],
) -> None:
    history = [
        _values(resource_history, _history_row(row, rids, method))
        for rows, method in ((new_rows, "POST"), (changed_rows, "PUT"))
        for row in rows
    ]
    positional.insert_rows(conn, resource_history, history)
    for rows, fresh in ((new_rows, True), (changed_rows, False)):
        items = [(rids[_key(r)], r["res_type"], _index_of(r, given)) for r in rows]
        indexing.write_rows_many(conn, items, fresh=fresh)


def _key(row: dict[str, Any]) -> tuple[str, str]:
    return row["res_type"], row["res_id"]


def _index_of(
    row: dict[str, Any], given: dict[tuple[str, str], tuple[Body, Index | ExtractLater | None]]
) -> Index:
    """The index rows the caller extracted, or those extracted here, for written rows only.

    Extracting from the item's body equals extracting from the stored one: the server-set
    ``meta.versionId`` and ``meta.lastUpdated`` are not index parameters (``_lastUpdated`` is a
    column of ``resource``).
    """
    body, extracted = given[_key(row)]
    if isinstance(extracted, ExtractLater):
        return extract(row["res_type"], extracted.body)
    if extracted is not None:
        return extracted
    assert not isinstance(body, Serialized)  # upsert_many refuses those without index rows
    return extract(row["res_type"], body)


def _history_row(
    row: dict[str, Any], rids: dict[tuple[str, str], int], method: str
) -> dict[str, Any]:
    return {
        "rid": rids[(row["res_type"], row["res_id"])],
        "version_id": row["version_id"],
        "res_type": row["res_type"],
        "res_id": row["res_id"],
        "last_updated": row["last_updated"],
        "method": method,
        "body": None,  # the current version's body is stored once, in resource (ADR 0010)
    }


def _result(
    rtype: str,
    rid_s: str,
    outcome: WriteOutcome,
    row: dict[str, Any] | None,
    rids: dict[tuple[str, str], int],
    current: dict[tuple[str, str], Current],
) -> tuple[StoredResource | None, WriteOutcome]:
    if row is None:
        rid, version, updated, _deleted, _hash = current[(rtype, rid_s)]
        return StoredResource(rid, rtype, rid_s, version, updated, False, b""), outcome
    stored = StoredResource(
        rids[(rtype, rid_s)],
        rtype,
        rid_s,
        row["version_id"],
        row["last_updated"],
        False,
        row["body"],
    )
    return stored, outcome
