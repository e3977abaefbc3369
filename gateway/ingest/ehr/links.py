"""Patient links (feed patient -> member), the review queue, and resources held for review."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from gateway.ingest.ehr.matching import MATCHED, REVIEW, MatchResult
from gateway.ingest.ehr.tables import ehr_patient_link, ehr_source_link, ehr_staged
from gateway.store.records import as_utc
from mappings.ids import resource_id

REJECTED = "rejected"
_CHUNK = 400


@dataclass(frozen=True, slots=True)
class PatientLink:
    """A feed's patient and what became of it."""

    id: str
    source: str
    source_patient: str
    status: str
    member_id: str | None
    rule: str
    candidates: tuple[str, ...]
    created: datetime
    resolved_now: bool = False


def link_id(source: str, source_patient: str) -> str:
    """The review-queue id of a feed's patient (opaque)."""
    return resource_id("ehr-patient-link", f"{source}|{source_patient}")


def links_for(conn: Connection, source: str, patients: Iterable[str]) -> dict[str, PatientLink]:
    """The stored links of some of a feed's patients, by feed patient id."""
    wanted, found = sorted(set(patients)), {}
    c = ehr_patient_link.c
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(ehr_patient_link).where(
            c.source == source, c.source_patient.in_(wanted[start : start + _CHUNK])
        )
        for row in conn.execute(stmt).mappings():
            found[row["source_patient"]] = _link(row)
    return found


def record_match(
    conn: Connection, source: str, patient: Mapping[str, Any], result: MatchResult
) -> PatientLink:
    """Store the decision for a feed's patient (matched, or queued for review)."""
    source_patient = str(patient["id"])
    row = {
        "id": link_id(source, source_patient),
        "source": source,
        "source_patient": source_patient,
        "status": result.status,
        "member_id": result.member_id,
        "rule": result.rule,
        "candidates": orjson.dumps(list(result.candidates)).decode(),
        "patient": orjson.dumps(patient),
        "created": datetime.now(UTC),
        "resolved": datetime.now(UTC) if result.status == MATCHED else None,
    }
    conn.execute(insert(ehr_patient_link), row)
    return replace(_link(row), resolved_now=True)


def review_queue(conn: Connection, limit: int = 100) -> list[PatientLink]:
    """Patients waiting for an admin, oldest first."""
    c = ehr_patient_link.c
    stmt = select(ehr_patient_link).where(c.status == REVIEW).order_by(c.created).limit(limit)
    return [_link(row) for row in conn.execute(stmt).mappings()]


def get_link(conn: Connection, link: str) -> PatientLink | None:
    """One link by its id."""
    row = conn.execute(select(ehr_patient_link).where(ehr_patient_link.c.id == link)).mappings()
    first = row.first()
    return _link(first) if first else None


def set_decision(conn: Connection, link: str, status: str, member_id: str | None) -> None:
    """Record an admin's resolution."""
    conn.execute(
        update(ehr_patient_link)
        .where(ehr_patient_link.c.id == link)
        .values(status=status, member_id=member_id, rule="admin", resolved=datetime.now(UTC))
    )


def hold(conn: Connection, source: str, source_patient: str, resource: Mapping[str, Any]) -> bool:
    """Keep a resource of an unmatched patient out of the store; ``False`` if already held."""
    body = orjson.dumps(resource, option=orjson.OPT_SORT_KEYS)
    body_hash = hashlib.sha256(body).hexdigest()
    c = ehr_staged.c
    exists = conn.execute(
        select(c.id)
        .where(c.source == source, c.source_patient == source_patient, c.body_hash == body_hash)
        .limit(1)
    ).first()
    if exists:
        return False
    conn.execute(
        insert(ehr_staged),
        {
            "source": source,
            "source_patient": source_patient,
            "res_type": str(resource["resourceType"]),
            "body": body,
            "body_hash": body_hash,
        },
    )
    return True


def release(conn: Connection, source: str, source_patient: str) -> list[dict[str, Any]]:
    """Take the held resources of a feed's patient out of staging."""
    c = ehr_staged.c
    where = (c.source == source) & (c.source_patient == source_patient)
    rows = conn.execute(select(c.body).where(where).order_by(c.id)).scalars().all()
    conn.execute(delete(ehr_staged).where(where))
    return [orjson.loads(body) for body in rows]


def held_count(conn: Connection, source: str, source_patient: str) -> int:
    """How many resources are held for a feed's patient."""
    c = ehr_staged.c
    stmt = select(c.id).where(c.source == source, c.source_patient == source_patient)
    return len(conn.execute(stmt).all())


def owners(conn: Connection, resources: list[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """The feeds each stored resource (type, id) came from; one indexed query per type."""
    c = ehr_source_link.c
    by_type: dict[str, set[str]] = {}
    for rtype, rid in resources:
        by_type.setdefault(rtype, set()).add(rid)
    found: dict[tuple[str, str], set[str]] = {}
    for rtype, ids in sorted(by_type.items()):
        unique = sorted(ids)
        for start in range(0, len(unique), _CHUNK):
            stmt = select(c.res_id, c.source).where(
                c.res_type == rtype, c.res_id.in_(unique[start : start + _CHUNK])
            )
            for rid, source in conn.execute(stmt):
                found.setdefault((rtype, rid), set()).add(source)
    return found


def add_sources(conn: Connection, resources: list[tuple[str, str]], source: str) -> None:
    """Record that a feed sent (a copy of) each of some stored resources (type, id)."""
    if resources:
        now = datetime.now(UTC)
        conn.execute(
            insert(ehr_source_link),
            [
                {"res_type": t, "res_id": i, "source": source, "first_seen": now}
                for t, i in resources
            ],
        )


def _link(row: Mapping[Any, Any]) -> PatientLink:
    return PatientLink(
        id=row["id"],
        source=row["source"],
        source_patient=row["source_patient"],
        status=row["status"],
        member_id=row["member_id"],
        rule=row["rule"],
        candidates=tuple(orjson.loads(row["candidates"])),
        created=as_utc(row["created"]),
    )
