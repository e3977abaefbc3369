"""A read with a bearer token in one round trip: the token row and the resource row together.

On PostgreSQL every statement is a network round trip, and a read with a token would otherwise
make two (the token, then the resource): the benchmark measured that second trip at a quarter
of a read's throughput (bench/README.md). The token's checks and the read's checks stay where
they are (:func:`auth.tokens.context_of`, :func:`gateway.interactions.read.read_fetched`): this
only fetches both rows at once. Fetching the resource before the token is judged reveals
nothing: it is dropped unless the token passes and the read's own checks allow it (ADR 0005).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection

from auth.tables import token
from auth.tokens import TOKEN_COLUMNS
from gateway.store.raw import RawStatement
from gateway.store.records import StoredResource
from gateway.store.repository import COLUMNS, stored_row
from gateway.store.tables import resource

_TOKEN_AND_RESOURCE = RawStatement(
    select(*TOKEN_COLUMNS, *COLUMNS)
    .select_from(
        token.outerjoin(
            resource,
            and_(resource.c.res_type == bindparam("t"), resource.c.res_id == bindparam("i")),
        )
    )
    .where(token.c.access_hash == bindparam("h"))
)
_TOKEN_WIDTH = len(TOKEN_COLUMNS)


def token_and_resource(
    conn: Connection, token_hash: str, resource_type: str, resource_id: str
) -> tuple[tuple[Any, ...] | None, StoredResource | None]:
    """The token row (``None`` if unknown) and the stored resource (``None`` if never stored)."""
    row = _TOKEN_AND_RESOURCE.fetchone(conn, h=token_hash, t=resource_type, i=resource_id)
    if row is None:
        return None, None
    found = row[_TOKEN_WIDTH:]
    return row[:_TOKEN_WIDTH], stored_row(found) if found[0] is not None else None
