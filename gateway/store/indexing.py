"""The seam between the store's writes and the search index (owned by the search area).

The repository calls these inside the write's transaction, so index rows always match the
stored body (DESIGN D1). The search area replaces the bodies with real extraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection


def write_index(
    conn: Connection, rid: int, resource_type: str, resource: Mapping[str, Any]
) -> None:
    """Replace the index rows of resource ``rid`` with those extracted from ``resource``."""


def delete_index(conn: Connection, rid: int) -> None:
    """Remove every index row of resource ``rid`` (on delete)."""
