"""The interaction table: one entry point for HTTP views and Bundle entries alike (DESIGN D2).

Writes run in one database transaction per call; reads run without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from sqlalchemy.engine import Connection

from auth.context import AccessContext
from config import Settings
from gateway.interactions import history, read, write
from gateway.interactions.bundle import process_bundle
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.interactions.search import search
from gateway.store.engine import write_transaction

Interaction = Literal[
    "read",
    "vread",
    "create",
    "update",
    "delete",
    "search-type",
    "search-system",
    "history-instance",
    "history-type",
    "history-system",
    "bundle",
]
Handler = Callable[[FhirRequest, AccessContext, Connection, Settings], FhirResponse]

WRITES: frozenset[str] = frozenset({"create", "update", "delete", "bundle"})


def _search(
    request: FhirRequest, ctx: AccessContext, conn: Connection, settings: Settings
) -> FhirResponse:
    return search(request, ctx, conn, settings)


def _bundle(
    request: FhirRequest, ctx: AccessContext, conn: Connection, settings: Settings
) -> FhirResponse:
    return process_bundle(request, ctx, conn, settings)


TABLE: dict[str, Handler] = {
    "read": lambda rq, ctx, conn, _s: read.read(rq, ctx, conn),
    "vread": lambda rq, ctx, conn, _s: read.vread(rq, ctx, conn),
    "create": lambda rq, ctx, conn, _s: write.create(rq, ctx, conn),
    "update": lambda rq, ctx, conn, _s: write.update(rq, ctx, conn),
    "delete": lambda rq, ctx, conn, _s: write.delete(rq, ctx, conn),
    "search-type": _search,
    "search-system": _search,
    "history-instance": history.history,
    "history-type": history.history,
    "history-system": history.history,
    "bundle": _bundle,
}


def handle(
    interaction: Interaction,
    request: FhirRequest,
    ctx: AccessContext,
    conn: Connection,
    settings: Settings,
) -> FhirResponse:
    """Run one interaction; writes get their own transaction, committed on success."""
    handler = TABLE[interaction]
    if interaction not in WRITES:
        return handler(request, ctx, conn, settings)
    with write_transaction(conn):
        return handler(request, ctx, conn, settings)
