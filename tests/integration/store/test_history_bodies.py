"""The current version's body is stored once (in ``resource``); history keeps superseded ones.

Every version still reads back as written, by vread and history, whichever write path made it
(single writes, batched loads, deletions, re-creation), and rows of the earlier layout, where
the current version's history row also held its body, read the same (ADR 0010).
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from gateway.store.bulk import upsert_many
from gateway.store.repository import Repository
from gateway.store.tables import resource_history

pytestmark = pytest.mark.integration


def _patient(family: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p", "name": [{"family": family}]}


def _family(body: bytes) -> str:
    return str(orjson.loads(body)["name"][0]["family"])


def _stored_history_bodies(engine: Engine) -> dict[int, bytes | None]:
    h = resource_history.c
    with engine.connect() as conn:
        rows = conn.execute(select(h.version_id, h.body).order_by(h.version_id))
        return {version: None if body is None else bytes(body) for version, body in rows}


def _versions(engine: Engine) -> dict[int, tuple[bool, str | None]]:
    """vread of every version: (deleted, family)."""
    out: dict[int, tuple[bool, str | None]] = {}
    with engine.connect() as conn:
        repo = Repository(conn)
        for version in _stored_history_bodies(engine):
            stored = repo.vread("Patient", "p", version)
            assert stored is not None
            out[version] = (stored.deleted, None if stored.deleted else _family(stored.body))
    return out


def _history(engine: Engine) -> list[tuple[int, str, str | None]]:
    with engine.connect() as conn:
        return [
            (s.version_id, method, None if s.deleted else _family(s.body))
            for s, method in Repository(conn).history("Patient", "p")
        ]


def test_single_writes_keep_every_version_and_the_current_body_once(engine: Engine) -> None:
    with engine.begin() as conn:
        Repository(conn).upsert("Patient", _patient("One"))
    assert _stored_history_bodies(engine) == {1: None}
    with engine.begin() as conn:
        Repository(conn).upsert("Patient", _patient("Two"))
    with engine.begin() as conn:
        Repository(conn).delete("Patient", "p")
    with engine.begin() as conn:
        Repository(conn).update("Patient", "p", _patient("Three"))
    stored = _stored_history_bodies(engine)
    assert [v for v, body in stored.items() if body is None] == [3, 4]  # deletion, current
    assert _versions(engine) == {
        1: (False, "One"),
        2: (False, "Two"),
        3: (True, None),
        4: (False, "Three"),
    }
    assert _history(engine) == [
        (4, "PUT", "Three"),
        (3, "DELETE", None),
        (2, "PUT", "Two"),
        (1, "POST", "One"),
    ]
    with engine.connect() as conn:
        current = Repository(conn).read("Patient", "p")
        latest = Repository(conn).vread("Patient", "p", 4)
    assert current is not None
    assert latest is not None
    assert latest.body == current.body


def test_batched_writes_archive_the_superseded_body(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("One"))])
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("Two")), ("Patient", _patient("Three"))])
    stored = _stored_history_bodies(engine)
    assert stored[3] is None
    assert stored[1] is not None
    assert stored[2] is not None
    assert _family(stored[1]) == "One"
    assert _family(stored[2]) == "Two"
    assert _versions(engine) == {1: (False, "One"), 2: (False, "Two"), 3: (False, "Three")}
    with engine.begin() as conn:
        Repository(conn).delete("Patient", "p")
    with engine.begin() as conn:
        upsert_many(conn, [("Patient", _patient("Four"))])
    assert _versions(engine)[3] == (False, "Three")
    assert _versions(engine)[4] == (True, None)
    assert _versions(engine)[5] == (False, "Four")


def test_rows_of_the_earlier_layout_read_the_same(engine: Engine) -> None:
    with engine.begin() as conn:
        Repository(conn).upsert("Patient", _patient("One"))
        current = Repository(conn).read("Patient", "p")
        assert current is not None
        # before ADR 0010 the current version's history row held its body too
        conn.execute(update(resource_history).values(body=current.body))
    assert _versions(engine) == {1: (False, "One")}
    with engine.begin() as conn:
        Repository(conn).upsert("Patient", _patient("Two"))
    assert _versions(engine) == {1: (False, "One"), 2: (False, "Two")}
    assert _history(engine) == [(2, "PUT", "Two"), (1, "POST", "One")]
