"""Batched upserts write exactly what one-by-one upserts write."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from auth.context import AccessContext
from gateway.interactions.search import matching_ids
from gateway.search.extract import extract
from gateway.store.bulk import upsert_many
from gateway.store.index_tables import ALL_TABLES
from gateway.store.records import WriteOutcome
from gateway.store.repository import Repository
from gateway.store.tables import resource_history

pytestmark = pytest.mark.integration


def _patient(pid: str, family: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "name": [{"family": family}]}


def _history_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(resource_history)).scalar_one())


def test_batch_creates_updates_and_skips_unchanged(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("a", "Ames")), ("Patient", _patient("b", "Bell"))])
    with engine.begin() as conn:
        results = upsert_many(
            conn,
            [
                ("Patient", _patient("a", "Ames")),
                ("Patient", _patient("b", "Brook")),
                ("Patient", _patient("c", "Cole")),
            ],
        )
    outcomes = [outcome for _, outcome in results]
    assert outcomes == [WriteOutcome.UNCHANGED, WriteOutcome.UPDATED, WriteOutcome.CREATED]
    with engine.connect() as conn:
        repo = Repository(conn)
        b = repo.read("Patient", "b")
        assert b is not None
        assert b.version_id == 2
        assert [v.version_id for v, _ in repo.history("Patient", "b")] == [2, 1]
    assert _history_count(engine) == 4


def test_batch_index_rows_are_searchable(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("a", "Ames")), ("Patient", _patient("b", "Bell"))])
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("b", "Brook"))])
    with engine.connect() as conn:
        ctx = AccessContext.internal()
        assert matching_ids(conn, "Patient", [("family", "Brook")], ctx) == ["b"]
        assert matching_ids(conn, "Patient", [("family", "Bell")], ctx) == []
        assert matching_ids(conn, "Patient", [("family", "Ames")], ctx) == ["a"]


def test_repeated_key_in_one_batch_behaves_like_two_upserts(engine: Engine) -> None:
    with engine.begin() as conn:
        results = upsert_many(
            conn, [("Patient", _patient("a", "One")), ("Patient", _patient("a", "Two"))]
        )
    assert [o for _, o in results] == [WriteOutcome.CREATED, WriteOutcome.UPDATED]
    with engine.connect() as conn:
        stored = Repository(conn).read("Patient", "a")
        assert stored is not None
        assert stored.version_id == 2
        assert b'"Two"' in stored.body


def test_batch_equals_sequential_upserts(engine: Engine, tmp_path: Any) -> None:
    items = [("Patient", _patient(str(i), f"F{i % 3}")) for i in range(30)]
    with engine.begin() as conn:
        batched = upsert_many(conn, items)
    with engine.begin() as conn:
        again = upsert_many(conn, items)
    assert all(o is WriteOutcome.CREATED for _, o in batched)
    assert all(o is WriteOutcome.UNCHANGED for _, o in again)
    with engine.connect() as conn:
        for rtype, body in items:
            stored = Repository(conn).read(rtype, body["id"])
            assert stored is not None
            assert stored.version_id == 1


def _index_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in ALL_TABLES
        }


def test_precomputed_index_rows_are_stored_like_extracted_ones(engine: Engine) -> None:
    items = [("Patient", _patient(str(i), f"F{i}")) for i in range(5)]
    rows = [extract(rtype, body) for rtype, body in items]
    with engine.begin() as conn:
        upsert_many(conn, items, index_rows=rows)
    precomputed = _index_counts(engine)
    with engine.begin() as conn:
        upsert_many(
            conn,
            [("Patient", _patient("1", "Changed"))],
            index_rows=[extract("Patient", _patient("1", "Changed"))],
        )
    with engine.connect() as conn:
        ctx = AccessContext.internal()
        assert matching_ids(conn, "Patient", [("family", "F3")], ctx) == ["3"]
        assert matching_ids(conn, "Patient", [("family", "Changed")], ctx) == ["1"]
        assert matching_ids(conn, "Patient", [("family", "F1")], ctx) == []
    assert _index_counts(engine) == precomputed
    assert precomputed["search_compartment"] == 5


def test_index_rows_must_match_the_items(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="one entry per item"):
        upsert_many(conn, [("Patient", _patient("a", "Ames"))], index_rows=[])
