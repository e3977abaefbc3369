"""Write and read audit rows (insert only: nothing updates or deletes them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.audit.tables import audit_event

Outcome = Literal["success", "refused", "failed"]
MAX_IDS = 1000  # a huge search result is recorded by its first ids and a count


def record(
    conn: Connection,
    ctx: AccessContext,
    action: str,
    resource_type: str | None,
    ids: Iterable[str],
    outcome: Outcome,
) -> None:
    """Append one audit row: who (kind, user, app), whose record, what, when, outcome.

    With no transaction open the row is committed at once; inside one (a write's, or the
    one a read began) it joins it and the caller commits, so a write and its audit row stand
    or fall together.
    """
    values = row_values(ctx, action, resource_type, ids, outcome)
    if conn.in_transaction():
        conn.execute(insert(audit_event).values(values))
        return
    with conn.begin():
        conn.execute(insert(audit_event).values(values))


def row_values(
    ctx: AccessContext,
    action: str,
    resource_type: str | None,
    ids: Iterable[str],
    outcome: Outcome,
) -> dict[str, Any]:
    """The audit row for one access, stamped now."""
    return {
        "recorded": datetime.now(UTC),
        "action": action,
        "outcome": outcome,
        "agent_kind": ctx.kind,
        "client_id": ctx.client_id,
        "fhir_user": ctx.fhir_user,
        "patient_id": ctx.patient_id,
        "resource_type": resource_type,
        "resource_ids": _ids_text(ids),
        "token_hash": ctx.token_hash,
    }


def _ids_text(ids: Iterable[str]) -> str:
    """The ids, space-separated; past MAX_IDS only a ``+N`` count of the rest."""
    id_list = list(ids)
    shown = id_list[:MAX_IDS]
    if len(id_list) > MAX_IDS:
        shown.append(f"+{len(id_list) - MAX_IDS}")
    return " ".join(shown)


def events(
    conn: Connection,
    patient_ids: Sequence[str] | None,
    limit: int = 200,
    event_id: int | None = None,
) -> list[dict[str, Any]]:
    """The newest audit rows, all of them (``None``) or those about the given patients."""
    query = select(audit_event).order_by(audit_event.c.event_id.desc()).limit(limit)
    if patient_ids is not None:
        query = query.where(audit_event.c.patient_id.in_(list(patient_ids)))
    if event_id is not None:
        query = query.where(audit_event.c.event_id == event_id)
    return [dict(row._mapping) for row in conn.execute(query)]
