"""Shared fixtures: every database-backed test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``GATEWAY_TEST_POSTGRES_URL`` (``make test`` starts a throwaway
cluster and sets it). Without it the PostgreSQL variants are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from gateway import create_app
from gateway.store.engine import make_engine
from gateway.store.migrate import upgrade
from gateway.store.schema import all_metadata

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BASE_URL = "http://localhost/fhir"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (faster than migrating per test)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run in one
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated database in the throwaway cluster, dropped at the end."""
    server = os.environ.get("GATEWAY_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("GATEWAY_TEST_POSTGRES_URL is not set: run the tests with `make test`")
        pytest.skip("PostgreSQL tests need GATEWAY_TEST_POSTGRES_URL (make test sets it)")
    name = f"gw_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    names = [t.name for md in all_metadata() for t in md.sorted_tables]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated database: a SQLite copy, or the PostgreSQL test database truncated."""
    if request.param == "sqlite":
        path = tmp_path / "gateway.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    _truncate_all(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, disposed afterwards."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database with extra settings; each is disposed afterwards."""
    built: list[Flask] = []

    def build(**settings: Any) -> Flask:
        config = {"ENV": "test", "DATABASE_URL": database_url, "BASE_URL": BASE_URL, **settings}
        app = create_app(config)
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["audit_buffer"].close()  # no late rows in the next test's database
        app.extensions["direct_path"].close()
        app.extensions["gateway"].engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The gateway on an empty test database."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A Flask test client for ``app``."""
    return app.test_client()


@pytest.fixture
def system_token(app: Flask) -> str | None:
    """A bearer token with full ``system/*.cruds`` access for tests of non-auth behaviour.

    Minted directly into the token table (hash only), exactly as the token endpoint stores one.
    """
    from auth.clients import mint_token

    with app.extensions["gateway"].engine.begin() as conn:
        return mint_token(conn, "test-system", "system/*.cruds", app.extensions["gateway"].base_url)


@pytest.fixture
def fhir(app: Flask, system_token: str | None) -> FlaskClient:
    """A test client that sends the full-access token with every request."""
    test_client = app.test_client()
    if system_token:
        test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {system_token}"
    return test_client
