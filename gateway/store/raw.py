"""Pre-compiled statements executed on the raw DB-API cursor, for the hottest paths.

The statement is written once with SQLAlchemy Core and compiled per dialect, so no
backend-specific SQL is written by hand; executing it skips SQLAlchemy's per-call machinery.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select


class RawStatement:
    """A Core select compiled once per dialect and run on the connection's DB-API cursor."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def _for(self, conn: Connection) -> tuple[str, tuple[str, ...] | None]:
        name = conn.dialect.name
        hit = self._compiled.get(name)
        if hit is None:
            compiled = self.statement.compile(dialect=conn.dialect)
            positions = (
                tuple(compiled.positiontup)
                if compiled.positional and compiled.positiontup
                else None
            )
            hit = (str(compiled), positions)
            self._compiled[name] = hit
        return hit

    def fetchone(self, conn: Connection, **params: Any) -> tuple[Any, ...] | None:
        """The first row for ``params``, as a tuple, or ``None``."""
        sql, positions = self._for(conn)
        args: Any = tuple(params[p] for p in positions) if positions else params
        # sqlite3 and psycopg 3 connections both execute directly and return a cursor.
        cursor = conn.connection.dbapi_connection.execute(sql, args)  # type: ignore[union-attr]
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return tuple(row) if row is not None else None
