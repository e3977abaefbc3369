"""SQLite: a transaction that reads and then writes never fails because another one wrote.

With a deferred BEGIN, SQLite cannot let such a transaction wait for the write lock once another
connection has committed since its first read: it answers "database is locked" at once, busy
timeout or not (the audit flusher and the token endpoint met that way). Engine transactions
take the write lock at BEGIN, so the second writer queues instead; request connections keep
deferred, read-only implicit transactions.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.store.engine import make_engine, request_connection, write_transaction

pytestmark = pytest.mark.integration


def test_a_read_then_write_transaction_waits_for_another_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    other_done = threading.Event()
    failures: list[BaseException] = []

    def other_writer() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO counter VALUES (2)"))
        except BaseException as exc:  # reported through the assertion below
            failures.append(exc)
        finally:
            other_done.set()

    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM counter")).scalar() == 1
        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not other_done.wait(0.3)  # it queues behind this transaction
        conn.execute(text("INSERT INTO counter VALUES (1)"))
    thread.join(10)
    assert not failures
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM counter")).scalars()) == [0, 1, 2]
    engine.dispose()


def test_request_connections_read_without_taking_the_write_lock(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'reads.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    reader = request_connection(engine)
    assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0  # a read transaction
    with engine.begin() as conn:  # another writer is not blocked by that reader
        conn.execute(text("INSERT INTO t VALUES (1)"))
    reader.rollback()
    with write_transaction(reader):  # and the request's own write takes the lock and commits
        reader.execute(text("INSERT INTO t VALUES (2)"))
    assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 2
    reader.close()
    engine.dispose()
