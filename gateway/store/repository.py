"""All reads and writes of resources: versioning, history, index upkeep (DESIGN D1, D7).

SQLAlchemy Core only; the read hot path runs one pre-compiled statement on the raw DB-API
cursor, because the Python request path is the cost (shared PERFORMANCE.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, delete, func, insert, select, true, update
from sqlalchemy.engine import Connection

from gateway.store import indexing
from gateway.store.raw import RawStatement
from gateway.store.records import StoredResource, WriteOutcome, as_utc
from gateway.store.serialized import Serialized, content_hash_of
from gateway.store.tables import resource, resource_history

# The columns of a stored resource, in the order stored_row() reads them.
COLUMNS = (
    resource.c.rid,
    resource.c.res_type,
    resource.c.res_id,
    resource.c.version_id,
    resource.c.last_updated,
    resource.c.deleted,
    resource.c.body,
)
_READ = RawStatement(
    select(*COLUMNS).where(
        resource.c.res_type == bindparam("t"), resource.c.res_id == bindparam("i")
    )
)
# A history row's body is null for a deletion and for the current version, whose body is
# stored once, in ``resource`` (ADR 0010): it is taken from there while the row is current.
_H = resource_history.c
_CURRENT_OF_ROW = and_(
    resource.c.rid == _H.rid, resource.c.version_id == _H.version_id, resource.c.deleted.is_(False)
)
_HISTORY_COLUMNS = (
    _H.rid,
    _H.res_type,
    _H.res_id,
    _H.version_id,
    _H.last_updated,
    _H.method,
    func.coalesce(_H.body, resource.c.body),
)
_HISTORY_FROM = resource_history.outerjoin(resource, _CURRENT_OF_ROW)
_VREAD = RawStatement(
    select(*_HISTORY_COLUMNS)
    .select_from(_HISTORY_FROM)
    .where(
        _H.res_type == bindparam("t"), _H.res_id == bindparam("i"), _H.version_id == bindparam("v")
    )
)
# Before a version is superseded, its body moves into its history row.
ARCHIVE = (
    update(resource_history)
    .where(_H.rid == bindparam("a_rid"), _H.version_id == bindparam("a_version"), _H.body.is_(None))
    .values(body=select(resource.c.body).where(resource.c.rid == _H.rid).scalar_subquery())
)


class VersionConflict(Exception):
    """The stored version is not the one the caller expected."""

    def __init__(self, current: int | None) -> None:
        super().__init__("version conflict")
        self.current = current


class Repository:
    """Resource persistence over one connection; writes must run inside ``conn.begin()``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- reads ---------------------------------------------------------------------------

    def read(self, resource_type: str, resource_id: str) -> StoredResource | None:
        """The current version (possibly a deletion marker), or ``None`` if never stored."""
        row = _READ.fetchone(self.conn, t=resource_type, i=resource_id)
        return stored_row(row) if row else None

    def vread(self, resource_type: str, resource_id: str, version: int) -> StoredResource | None:
        """One version from the history, or ``None``."""
        row = _VREAD.fetchone(self.conn, t=resource_type, i=resource_id, v=version)
        if not row:
            return None
        rid, rtype, rid_s, vid, updated, method, body = row
        return StoredResource(
            rid, rtype, rid_s, vid, as_utc(updated), method == "DELETE", bytes(body or b"")
        )

    def history(
        self,
        resource_type: str | None = None,
        resource_id: str | None = None,
        *,
        since: datetime | None = None,
        before: tuple[datetime, int, int] | None = None,
        count: int = 20,
    ) -> list[tuple[StoredResource, str]]:
        """Versions newest first, with their HTTP method; ``before`` is a keyset cursor."""
        h = _H
        conds = []
        if resource_type:
            conds.append(h.res_type == resource_type)
        if resource_id:
            conds.append(h.res_id == resource_id)
        if since:
            conds.append(h.last_updated >= since)
        if before:
            at, rid, vid = before
            conds.append(
                (h.last_updated < at)
                | (
                    (h.last_updated == at)
                    & ((h.rid < rid) | ((h.rid == rid) & (h.version_id < vid)))
                )
            )
        stmt = (
            select(*_HISTORY_COLUMNS)
            .select_from(_HISTORY_FROM)
            .where(and_(true(), *conds))
            .order_by(h.last_updated.desc(), h.rid.desc(), h.version_id.desc())
            .limit(count)
        )
        return [
            (
                StoredResource(
                    r[0], r[1], r[2], r[3], as_utc(r[4]), r[5] == "DELETE", bytes(r[6] or b"")
                ),
                r[5],
            )
            for r in self.conn.execute(stmt)
        ]

    def iter_current(self, resource_type: str, batch: int = 500) -> Iterator[StoredResource]:
        """Every live resource of a type in rid order, in batches (re-index, export)."""
        last = 0
        while True:
            rows = self.conn.execute(
                select(*COLUMNS)
                .where(resource.c.res_type == resource_type, resource.c.rid > last)
                .where(resource.c.deleted.is_(False))
                .order_by(resource.c.rid)
                .limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield stored_row(tuple(row))
            last = rows[-1][0]

    # -- writes --------------------------------------------------------------------------

    def create(
        self,
        resource_type: str,
        body: Mapping[str, Any],
        *,
        resource_id: str | None = None,
        mapping_version: str | None = None,
    ) -> StoredResource:
        """Store a new resource as version 1, with a server-assigned id unless one is given."""
        rid_s = resource_id or str(uuid.uuid4())
        now = now_ms()
        data, content_hash = stamp(resource_type, rid_s, body, 1, now)
        rid = self.conn.execute(
            insert(resource).returning(resource.c.rid),
            {
                "res_type": resource_type,
                "res_id": rid_s,
                "version_id": 1,
                "last_updated": now,
                "deleted": False,
                "body": data,
                "content_hash": content_hash,
                "mapping_version": mapping_version,
            },
        ).scalar_one()
        self._add_history(rid, resource_type, rid_s, 1, now, "POST")
        indexing.write_index(self.conn, rid, resource_type, orjson.loads(data))
        return StoredResource(rid, resource_type, rid_s, 1, now, False, data)

    def update(
        self,
        resource_type: str,
        resource_id: str,
        body: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        mapping_version: str | None = None,
    ) -> tuple[StoredResource, bool]:
        """Store a new version (or create with the client's id); ``True`` when created."""
        current = self.read(resource_type, resource_id)
        if expected_version is not None and (
            current is None or current.deleted or current.version_id != expected_version
        ):
            raise VersionConflict(current.version_id if current else None)
        if current is None:
            return self.create(
                resource_type, body, resource_id=resource_id, mapping_version=mapping_version
            ), True
        return self._new_version(current, body, "PUT", mapping_version), False

    def upsert(
        self, resource_type: str, body: Mapping[str, Any], *, mapping_version: str | None = None
    ) -> tuple[StoredResource | None, WriteOutcome]:
        """Create or update by the body's id; writes nothing when the content is unchanged."""
        resource_id = str(body["id"])
        current = self.read(resource_type, resource_id)
        if current is None:
            created = self.create(
                resource_type, body, resource_id=resource_id, mapping_version=mapping_version
            )
            return created, WriteOutcome.CREATED
        if not current.deleted and self._hash_of(current.rid) == content_hash_of(body):
            return current, WriteOutcome.UNCHANGED
        return self._new_version(current, body, "PUT", mapping_version), WriteOutcome.UPDATED

    def delete(self, resource_type: str, resource_id: str) -> StoredResource | None:
        """Mark the resource deleted (a new history version); ``None`` when nothing to delete."""
        current = self.read(resource_type, resource_id)
        if current is None or current.deleted:
            return None
        now = later_than(current.last_updated)
        version = current.version_id + 1
        self._archive(current)
        self._swap(current, version, now, current.body, True, None, None)
        self._add_history(current.rid, resource_type, resource_id, version, now, "DELETE")
        indexing.delete_index(self.conn, current.rid)
        return StoredResource(current.rid, resource_type, resource_id, version, now, True, b"")

    # -- internals -----------------------------------------------------------------------

    def _new_version(
        self,
        current: StoredResource,
        body: Mapping[str, Any],
        method: str,
        mapping_version: str | None,
    ) -> StoredResource:
        version = current.version_id + 1
        now = later_than(current.last_updated)
        data, content_hash = stamp(current.resource_type, current.id, body, version, now)
        self._archive(current)
        self._swap(current, version, now, data, False, content_hash, mapping_version)
        self._add_history(current.rid, current.resource_type, current.id, version, now, method)
        indexing.write_index(self.conn, current.rid, current.resource_type, orjson.loads(data))
        return StoredResource(
            current.rid, current.resource_type, current.id, version, now, False, data
        )

    def _swap(
        self,
        current: StoredResource,
        version: int,
        now: datetime,
        data: bytes,
        deleted: bool,
        content_hash: str | None,
        mapping_version: str | None,
    ) -> None:
        values: dict[str, Any] = {
            "version_id": version,
            "last_updated": now,
            "body": data,
            "deleted": deleted,
        }
        if content_hash is not None:
            values["content_hash"] = content_hash
            values["mapping_version"] = mapping_version
        result = self.conn.execute(
            update(resource)
            .where(resource.c.rid == current.rid, resource.c.version_id == current.version_id)
            .values(**values)
        )
        if result.rowcount != 1:
            raise VersionConflict(None)

    def _archive(self, current: StoredResource) -> None:
        """Move the body of the version about to be superseded into its history row.

        A deleted resource's history row stays null: that version is the deletion.
        """
        if not current.deleted:
            self.conn.execute(ARCHIVE, {"a_rid": current.rid, "a_version": current.version_id})

    def _add_history(
        self,
        rid: int,
        resource_type: str,
        resource_id: str,
        version: int,
        now: datetime,
        method: str,
    ) -> None:
        """The history row of a new version; its body stays in ``resource`` while current."""
        self.conn.execute(
            insert(resource_history),
            {
                "rid": rid,
                "version_id": version,
                "res_type": resource_type,
                "res_id": resource_id,
                "last_updated": now,
                "method": method,
                "body": None,
            },
        )

    def _hash_of(self, rid: int) -> str:
        return str(
            self.conn.execute(
                select(resource.c.content_hash).where(resource.c.rid == rid)
            ).scalar_one()
        )

    def purge(self, resource_type: str, resource_id: str) -> None:
        """Remove a resource and its history entirely (tests and admin clean-up only)."""
        current = self.read(resource_type, resource_id)
        if current is None:
            return
        indexing.delete_index(self.conn, current.rid)
        self.conn.execute(delete(resource_history).where(resource_history.c.rid == current.rid))
        self.conn.execute(delete(resource).where(resource.c.rid == current.rid))


def stamp(
    resource_type: str, resource_id: str, body: Mapping[str, Any], version: int, now: datetime
) -> tuple[bytes, str]:
    """The served bytes (id and meta set by the server, resourceType first) and content hash."""
    serialized = Serialized.of(resource_type, resource_id, body)
    return serialized.served(version, now), serialized.content_hash


def now_ms() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def later_than(previous: datetime) -> datetime:
    """Now, but strictly after ``previous`` so versions order by time."""
    now = now_ms()
    return now if now > previous else previous + timedelta(milliseconds=1)


def stored_row(row: tuple[Any, ...]) -> StoredResource:
    rid, rtype, rid_s, vid, updated, deleted, body = row
    return StoredResource(rid, rtype, rid_s, vid, as_utc(updated), bool(deleted), bytes(body))
