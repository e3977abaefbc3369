"""The review queue: EHR patients no rule matched (or several did), resolved by an admin.

Resolving to a member releases the held resources through the same pipeline; rejecting
discards them. Either way the decision is recorded on the link (docs/ehr-feeds.md).
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.engine import Connection

from gateway.errors import Conflict, NotFound
from gateway.ingest.ehr import links
from gateway.ingest.ehr.batch import Item
from gateway.ingest.ehr.matching import MATCHED, REVIEW, demographics
from gateway.ingest.ehr.members import MemberDirectory
from gateway.ingest.ehr.pipeline import Pipeline
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.store.repository import Repository


def queue(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    """The open review items as admin JSON (no member identifiers, no EHR ids)."""
    return [describe(conn, link) for link in links.review_queue(conn, limit)]


def describe(conn: Connection, link: links.PatientLink) -> dict[str, Any]:
    """One review item: why it is queued, its candidates and what is held."""
    return {
        "id": link.id,
        "source": link.source,
        "status": link.status,
        "reason": link.rule,
        "candidates": [f"Patient/{c}" for c in link.candidates],
        "member": f"Patient/{link.member_id}" if link.member_id else None,
        "held": links.held_count(conn, link.source, link.source_patient),
        "created": link.created.isoformat(),
    }


def resolve(conn: Connection, link_id: str, member_id: str | None) -> dict[str, Any]:
    """Attach a queued patient to ``member_id`` (releasing its data), or reject it (``None``)."""
    link = links.get_link(conn, link_id)
    if link is None:
        raise NotFound("no such review item")
    if link.status != REVIEW:
        raise Conflict("this review item is already resolved")
    if member_id is None:
        links.set_decision(conn, link_id, links.REJECTED, None)
        discarded = len(links.release(conn, link.source, link.source_patient))
        return {"id": link_id, "status": links.REJECTED, "discarded": discarded}
    member = Repository(conn).read("Patient", member_id)
    if member is None or member.deleted or demographics(orjson.loads(member.body)) is None:
        raise NotFound("no such member Patient")
    links.set_decision(conn, link_id, MATCHED, member_id)
    held = links.release(conn, link.source, link.source_patient)
    items = [Item("review", n, resource) for n, resource in enumerate(held)]
    report = Pipeline(conn, SourceInfo(link.source), MemberDirectory()).run(items)
    return {"id": link_id, "status": MATCHED, "released": dict(report.counts)}
