"""Batched upserts for loads: few statements per batch instead of several per resource.

Feed loads and EHR imports write thousands of resources; per-resource statements cost more
than everything else they do (bench/load_bench.py, bench/ehr_bench.py). Semantics equal
:meth:`Repository.upsert` applied in order: same versions, history, hashes and index rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from gateway.store import indexing
from gateway.store.records import StoredResource, WriteOutcome, as_utc
from gateway.store.repository import VersionConflict, later_than, now_ms, stamp
from gateway.store.tables import resource, resource_history

Item = tuple[str, Mapping[str, Any]]  # (resource type, body with its id)
Current = tuple[int, int, datetime, bool, str]  # rid, version, last_updated, deleted, hash


def upsert_many(
    conn: Connection, items: Sequence[Item], *, mapping_version: str | None = None
) -> list[tuple[StoredResource | None, WriteOutcome]]:
    """Upsert every item by its id, in order; run inside the caller's transaction."""
    results: list[tuple[StoredResource | None, WriteOutcome]] = []
    for chunk in _unique_chunks(items):
        results += _upsert_chunk(conn, chunk, mapping_version)
    return results


def _unique_chunks(items: Sequence[Item]) -> Iterator[list[Item]]:
    """Consecutive runs in which no (type, id) repeats, so each run can be written at once."""
    chunk: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for rtype, body in items:
        key = (rtype, str(body["id"]))
        if key in seen:
            yield chunk
            chunk, seen = [], set()
        chunk.append((rtype, body))
        seen.add(key)
    if chunk:
        yield chunk


def _current(conn: Connection, chunk: Sequence[Item]) -> dict[tuple[str, str], Current]:
    by_type: dict[str, list[str]] = {}
    for rtype, body in chunk:
        by_type.setdefault(rtype, []).append(str(body["id"]))
    found: dict[tuple[str, str], Current] = {}
    c = resource.c
    for rtype, ids in by_type.items():
        rows = conn.execute(
            select(c.res_id, c.rid, c.version_id, c.last_updated, c.deleted, c.content_hash).where(
                c.res_type == rtype, c.res_id.in_(ids)
            )
        )
        for rid_s, rid, version, updated, deleted, content_hash in rows:
            found[(rtype, rid_s)] = (rid, version, as_utc(updated), bool(deleted), content_hash)
    return found


def _upsert_chunk(
    conn: Connection, chunk: Sequence[Item], mapping_version: str | None
) -> list[tuple[StoredResource | None, WriteOutcome]]:
    current = _current(conn, chunk)
    now = now_ms()
    new_rows: list[dict[str, Any]] = []
    changed: list[tuple[Current, dict[str, Any]]] = []
    plan: list[tuple[str, str, WriteOutcome, dict[str, Any] | None]] = []
    for rtype, body in chunk:
        rid_s = str(body["id"])
        known = current.get((rtype, rid_s))
        version = 1 if known is None else known[1] + 1
        at = now if known is None else later_than(known[2])
        data, content_hash = stamp(rtype, rid_s, body, version, at)
        if known is not None and not known[3] and known[4] == content_hash:
            plan.append((rtype, rid_s, WriteOutcome.UNCHANGED, None))
            continue
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
    _write_history_and_index(conn, new_rows, [row for _, row in changed], rids)
    return [
        _result(rtype, rid_s, outcome, row, rids, current) for rtype, rid_s, outcome, row in plan
    ]


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    if not rows:
        return {}
    returned = conn.execute(
        insert(resource).returning(
            resource.c.rid, resource.c.res_type, resource.c.res_id, sort_by_parameter_order=True
        ),
        rows,
    )
    return {(rtype, rid_s): rid for rid, rtype, rid_s in returned}


def _update_changed(conn: Connection, changed: list[tuple[Current, dict[str, Any]]]) -> None:
    if not changed:
        return
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
) -> None:
    history = [
        _history_row(row, rids, method)
        for rows, method in ((new_rows, "POST"), (changed_rows, "PUT"))
        for row in rows
    ]
    if history:
        conn.execute(insert(resource_history), history)
    for rows, fresh in ((new_rows, True), (changed_rows, False)):
        items = [
            (rids[(r["res_type"], r["res_id"])], r["res_type"], orjson.loads(r["body"]))
            for r in rows
        ]
        indexing.write_index_many(conn, items, fresh=fresh)


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
        "body": row["body"],
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
