"""Batched upserts write exactly what one-by-one upserts write."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from auth.context import AccessContext
from gateway.interactions.search import matching_ids
from gateway.search.extract import extract
from gateway.store import bulk
from gateway.store.bulk import ExtractLater, upsert_many
from gateway.store.index_tables import ALL_TABLES
from gateway.store.indexing import COPY_MIN_ROWS, table_rows
from gateway.store.records import WriteOutcome
from gateway.store.repository import Repository
from gateway.store.serialized import Serialized
from gateway.store.tables import resource, resource_history

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


def test_bulk_and_single_writes_store_the_same_index_rows(engine: Engine) -> None:
    items = [("Patient", _patient(f"p{i}", f"Family{i}")) for i in range(40)]
    with engine.begin() as conn:  # one batch: COPY on PostgreSQL (COPY_MIN_ROWS)
        upsert_many(conn, items)
    bulk = _index_counts(engine)
    assert sum(bulk.values()) >= COPY_MIN_ROWS
    with engine.begin() as conn:
        conn.execute(delete(resource_history))
        conn.execute(delete(resource))
        for table in ALL_TABLES:
            conn.execute(delete(table))
    for item in items:  # one resource at a time: a pipelined executemany
        with engine.begin() as conn:
            upsert_many(conn, [item])
    assert _index_counts(engine) == bulk
    with engine.connect() as conn:
        ids = matching_ids(conn, "Patient", [("family", "Family39")], AccessContext.internal())
    assert ids == ["p39"]


def test_unchanged_items_are_not_extracted_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [("Patient", _patient(f"p{i}", f"F{i}")) for i in range(3)]
    with engine.begin() as conn:
        upsert_many(conn, items)
    extracted: list[str] = []

    def counting(resource_type: str, body: Any) -> Any:
        extracted.append(str(body["id"]))
        return extract(resource_type, body)

    monkeypatch.setattr(bulk, "extract", counting)
    with engine.begin() as conn:
        upsert_many(conn, [*items[:2], ("Patient", _patient("p2", "Changed"))])
    assert extracted == ["p2"]


def test_extract_later_extracts_only_what_is_written(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def serialized(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Serialized]]:
        return [(t, Serialized.of(t, str(b["id"]), b)) for t, b in items]

    items = [("Patient", _patient(f"p{i}", f"F{i}")) for i in range(3)]
    with engine.begin() as conn:
        upsert_many(conn, serialized(items), index_rows=[ExtractLater(b) for _, b in items])
    extracted: list[str] = []

    def counting(resource_type: str, body: Any) -> Any:
        extracted.append(str(body["id"]))
        return extract(resource_type, body)

    monkeypatch.setattr(bulk, "extract", counting)
    changed = [*items[:2], ("Patient", _patient("p2", "Changed"))]
    with engine.begin() as conn:
        upsert_many(conn, serialized(changed), index_rows=[ExtractLater(b) for _, b in changed])
    assert extracted == ["p2"]
    with engine.connect() as conn:
        found = matching_ids(conn, "Patient", [("family", "Changed")], AccessContext.internal())
        gone = matching_ids(conn, "Patient", [("family", "F2")], AccessContext.internal())
    assert (found, gone) == (["p2"], [])


def test_serialized_bodies_are_stored_like_dicts(engine: Engine) -> None:
    items = [("Patient", _patient(f"p{i}", f"F{i}")) for i in range(3)]
    with engine.begin() as conn:
        upsert_many(conn, items)
        stored = [Repository(conn).read("Patient", f"p{i}") for i in range(3)]
    changed = [*items[:2], ("Patient", _patient("p2", "Changed"))]
    serialized = [(t, Serialized.of(t, str(b["id"]), b)) for t, b in changed]
    with engine.begin() as conn:
        results = upsert_many(conn, serialized, index_rows=[extract(t, b) for t, b in changed])
        again = [Repository(conn).read("Patient", f"p{i}") for i in range(3)]
    assert [o for _, o in results] == [
        WriteOutcome.UNCHANGED,
        WriteOutcome.UNCHANGED,
        WriteOutcome.UPDATED,
    ]
    assert [s.body for s in again[:2] if s] == [s.body for s in stored[:2] if s]
    assert again[2] is not None
    assert again[2].body == Serialized.of("Patient", "p2", changed[2][1]).served(
        2, again[2].last_updated
    )
    with engine.connect() as conn:
        ctx = AccessContext.internal()
        assert matching_ids(conn, "Patient", [("family", "Changed")], ctx) == ["p2"]


def test_serialized_bodies_need_their_index_rows(engine: Engine) -> None:
    body = _patient("a", "Ames")
    with engine.begin() as conn, pytest.raises(ValueError, match="index rows"):
        upsert_many(conn, [("Patient", Serialized.of("Patient", "a", body))])
    with engine.connect() as conn:
        assert Repository(conn).read("Patient", "a") is None


def test_bulk_rows_are_stored_in_the_same_format_as_single_writes(engine: Engine) -> None:
    # dates are compared as stored (text on SQLite): a different format would break _lastUpdated
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("bulk", "Ames"))])
        Repository(conn).upsert("Patient", _patient("single", "Bell"))
    with engine.connect() as conn:
        raw = {
            row[0]: row[1:]
            for row in conn.exec_driver_sql(
                "SELECT r.res_id, r.last_updated, r.deleted, h.last_updated, h.method "
                "FROM resource r JOIN resource_history h ON h.rid = r.rid ORDER BY r.rid"
            )
        }
    bulk_row, single_row = raw["bulk"], raw["single"]
    assert [type(v) for v in bulk_row] == [type(v) for v in single_row]
    assert [len(str(v)) for v in bulk_row] == [len(str(v)) for v in single_row]
    assert bulk_row[0] == bulk_row[2]


def test_rows_laid_out_per_table_are_stored_like_extracted_ones(engine: Engine) -> None:
    items = [("Patient", _patient(str(i), f"F{i}")) for i in range(5)]
    with engine.begin() as conn:
        upsert_many(conn, items, index_rows=[extract(t, b) for t, b in items])
    extracted = _index_counts(engine)
    with engine.begin() as conn:
        for table in ALL_TABLES:
            conn.execute(delete(table))
        conn.execute(delete(resource_history))
        conn.execute(delete(resource))
    with engine.begin() as conn:
        laid_out = [table_rows(t, extract(t, b)) for t, b in items]
        upsert_many(conn, items, index_rows=laid_out)
    assert _index_counts(engine) == extracted
    with engine.connect() as conn:
        ids = matching_ids(conn, "Patient", [("family", "F3")], AccessContext.internal())
    assert ids == ["3"]
