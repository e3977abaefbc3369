"""The migrations build exactly the tables the code declares, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from gateway.store.schema import all_metadata

pytestmark = pytest.mark.integration


def test_migrated_schema_matches_table_definitions(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = compare_metadata(context, all_metadata())  # type: ignore[arg-type]
    assert diffs == []
