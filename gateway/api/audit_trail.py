"""Record every access to member data from the FHIR views (DESIGN D3; docs/auth.md).

Reads go through the per-process :class:`~gateway.audit.buffer.AuditBuffer`; writes are
recorded synchronously once they have committed. Provider Directory types are public data
and are not audited.
"""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy.engine import Connection

from auth.context import DIRECTORY_TYPES, AccessContext
from gateway.api.db import connection
from gateway.audit.buffer import AuditBuffer
from gateway.audit.log import Outcome, record, row_values
from gateway.interactions.dispatch import WRITES
from gateway.state import GatewayState


def init_app(app: Flask, state: GatewayState) -> None:
    """Create this app's audit buffer."""
    app.extensions["audit_buffer"] = AuditBuffer(state.engine)


def audit_buffer() -> AuditBuffer:
    """The current app's audit buffer (flush it before reading the log)."""
    buffer: AuditBuffer = current_app.extensions["audit_buffer"]
    return buffer


def audit(
    ctx: AccessContext,
    interaction: str,
    resource_type: str | None,
    ids: tuple[str, ...],
    outcome: Outcome,
) -> None:
    """Record one interaction on member data (the current request's connection and buffer)."""
    if not _audited(ctx, resource_type, ids):  # before connection(): none opened for nothing
        return
    record_access(audit_buffer(), connection(), ctx, interaction, resource_type, ids, outcome)


def record_access(
    buffer: AuditBuffer,
    conn: Connection,
    ctx: AccessContext,
    interaction: str,
    resource_type: str | None,
    ids: tuple[str, ...],
    outcome: Outcome,
) -> None:
    """Record one interaction on member data: writes now (after their commit), reads buffered."""
    if not _audited(ctx, resource_type, ids):
        return
    if interaction in WRITES and outcome == "success":
        record(conn, ctx, interaction, resource_type, ids, outcome)
        conn.commit()
        return
    buffer.add(row_values(ctx, interaction, resource_type, ids, outcome))


def _audited(ctx: AccessContext, resource_type: str | None, ids: tuple[str, ...]) -> bool:
    """Member data accessed by anyone but the gateway itself (directory data is public)."""
    if ctx.kind == "internal":
        return False
    if resource_type is not None:
        return resource_type not in DIRECTORY_TYPES
    return not ids or any(ref.split("/", 1)[0] not in DIRECTORY_TYPES for ref in ids)
