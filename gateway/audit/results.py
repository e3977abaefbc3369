"""Audit one finished FHIR interaction from its result: the one call the API views make.

https://profiles.ihe.net/ITI/BALP/ (what to record: who, which app, whose data, what, outcome)
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.audit.log import Outcome, record

UNAUDITED_KINDS = frozenset({"anonymous", "internal"})  # the public directory, our own jobs


def outcome_of(status: int) -> Outcome:
    """``success`` for 2xx/3xx, ``refused`` for 401/403/404/410, ``failed`` otherwise."""
    if status < 400:
        return "success"
    return "refused" if status in (401, 403, 404, 410) else "failed"


def returned_ids(body: bytes | None) -> list[str]:
    """``Type/id`` of a returned resource, or of every entry of a returned Bundle."""
    if not body:
        return []
    try:
        document: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    if not isinstance(document, dict):
        return []
    if document.get("resourceType") != "Bundle":
        return _reference(document)
    found: list[str] = []
    for entry in document.get("entry") or []:
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            found.extend(_reference(entry["resource"]))
    return found


def _reference(resource: dict[str, Any]) -> list[str]:
    rtype, rid = resource.get("resourceType"), resource.get("id")
    if rtype == "OperationOutcome" or not rtype or not rid:
        return []
    return [f"{rtype}/{rid}"]


def record_result(
    conn: Connection,
    ctx: AccessContext,
    interaction: str,
    resource_type: str | None,
    status: int,
    body: bytes | None,
) -> None:
    """Record a finished interaction of a token holder and commit the row.

    Call it after the interaction is done with ``conn``; anonymous directory reads and the
    gateway's own jobs are not recorded.
    """
    if ctx.kind in UNAUDITED_KINDS:
        return
    record(conn, ctx, interaction, resource_type, returned_ids(body), outcome_of(status))
    if conn.in_transaction():
        conn.commit()
