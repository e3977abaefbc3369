"""Create the SQLAlchemy engine: SQLite in WAL mode by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL").
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it costs a round trip on every checkout. A connection broken by a database
    # restart fails one request, and SQLAlchemy then invalidates the whole pool.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` unless the connection reads (see :func:`request_connection`).

    A deferred transaction that reads and then writes cannot wait for the write lock: if
    another connection (the audit flusher, a job) wrote since its first read, SQLite answers
    "database is locked" at once, whatever the busy timeout. Taking the write lock at BEGIN
    makes writers queue under the busy timeout instead; in WAL mode readers never wait. So a
    transaction of ``engine.connect()`` or ``engine.begin()`` holds the write lock until it
    ends: read at length (streaming, probes) on a :func:`request_connection`, whose implicit
    transactions are deferred.
    """
    mode = conn.get_execution_options().get(_SQLITE_BEGIN, "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


_SQLITE_BEGIN = "gateway_sqlite_begin"


def request_connection(engine: Engine) -> Connection:
    """A connection for one HTTP request.

    On PostgreSQL it reads in autocommit, so a read sends no BEGIN and no ROLLBACK (two round
    trips per request otherwise); :func:`write_transaction` makes writes atomic again. SQLite
    reads on the raw cursor already run outside a transaction.
    """
    conn = engine.connect()
    if is_postgres(engine):
        conn.execution_options(isolation_level="AUTOCOMMIT")
    else:  # its implicit transactions only read; write_transaction takes the write lock
        conn.execution_options(**{_SQLITE_BEGIN: "DEFERRED"})
    return conn


@contextmanager
def write_transaction(conn: Connection) -> Iterator[Connection]:
    """A real, atomic transaction on ``conn``, committed on success, rolled back on error."""
    if conn.in_transaction():
        conn.commit()  # end the read work (token check, ...) done before the write
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        conn.execution_options(isolation_level=conn.default_isolation_level)
    reading = options.get(_SQLITE_BEGIN)
    conn.execution_options(**{_SQLITE_BEGIN: "IMMEDIATE"})
    try:
        with conn.begin():
            yield conn
    finally:
        if reading is not None:
            conn.execution_options(**{_SQLITE_BEGIN: reading})


def is_postgres(engine: Engine) -> bool:
    """True on PostgreSQL; the only place outside SQL that branches on the backend."""
    return engine.dialect.name == "postgresql"


# WAL pages between checkpoints during bulk loads (SQLite's default is 1,000 pages, 4 MB). A
# load batch writes several MB, so with the default every commit copied the log into the
# database and synced it; at 64 MB the index pages many batches touch are copied once per
# checkpoint instead of once per batch or three (16 MB: commits took 0.9-1.1 s of a 4.5 s load
# of the demo plan, 0.7-0.8 s at 64 MB; at 256 MB no less), and the log stays bounded.
BULK_WAL_PAGES = 16000
# The page cache of the loading connection, in KiB (SQLite's default is 2 MB). Each batch
# inserts into every search index at random places; with 2 MB the pages it touches did not stay
# in the cache between batches, and not even within one, so the writer read them back and
# spilled dirty ones into the WAL mid-transaction: 158,000 reads and 268,000 writes (system
# calls) for the demo plan, 45,000 and 187,000 with 64 MB (no fewer with 128 MB).
BULK_CACHE_KIB = 65536


@contextmanager
def bulk_load_settings(conn: Connection) -> Iterator[None]:
    """On SQLite, while the block runs: checkpoint the WAL every :data:`BULK_WAL_PAGES` pages
    and keep :data:`BULK_CACHE_KIB` of pages in the cache of ``conn``; restored afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    (pages,) = dbapi.execute("PRAGMA wal_autocheckpoint").fetchone()
    (cache,) = dbapi.execute("PRAGMA cache_size").fetchone()
    dbapi.execute(f"PRAGMA wal_autocheckpoint={BULK_WAL_PAGES}").fetchall()
    dbapi.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}").fetchall()
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA cache_size={int(cache)}").fetchall()
        dbapi.execute(f"PRAGMA wal_autocheckpoint={int(pages)}").fetchall()
