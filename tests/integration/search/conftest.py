"""A module-scoped database per backend holding the search dataset, and a search helper."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from auth.context import AccessContext
from config import load_settings
from gateway.interactions.messages import FhirRequest
from gateway.interactions.search import search
from gateway.store.engine import make_engine
from gateway.store.repository import Repository
from gateway.store.schema import all_metadata
from tests.conftest import BASE_URL
from tests.integration.search.dataset import ALL

Search = Callable[..., dict[str, Any]]
SETTINGS = load_settings({"DATABASE_URL": "sqlite://", "SEARCH_MAX_INCLUDES": 50}, environ={})


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = [t.name for md in all_metadata() for t in md.sorted_tables]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def load(engine: Engine, resources: Sequence[dict[str, Any]]) -> None:
    """Store resources with their own ids through the repository (so they are indexed)."""
    with engine.begin() as conn:
        repo = Repository(conn)
        for body in resources:
            repo.create(body["resourceType"], body, resource_id=body["id"])


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def search_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Engine]:
    """An engine on a database holding the dataset, shared by one test module."""
    yield from engine_with(request, tmp_path_factory, sqlite_template, ALL)


def dataset(resources: Sequence[dict[str, Any]]) -> Any:
    """A ``search_engine`` fixture for a module with its own ``resources`` (overrides ALL).

    In the module: ``search_engine = dataset(RESOURCES)``.
    """

    @pytest.fixture(scope="module", params=BACKENDS)
    def search_engine(
        request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory,
        sqlite_template: Path,
    ) -> Iterator[Engine]:
        yield from engine_with(request, tmp_path_factory, sqlite_template, resources)

    return search_engine


def engine_with(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    resources: Sequence[dict[str, Any]],
) -> Iterator[Engine]:
    """A module's database (SQLite copy or the truncated PostgreSQL one) holding ``resources``."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("search") / "search.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_database")
        _truncate(url)
    engine = make_engine(url)
    load(engine, resources)
    yield engine
    engine.dispose()
    if request.param == "postgresql" and os.environ.get("GATEWAY_TEST_POSTGRES_URL"):
        _truncate(url)


@pytest.fixture(scope="module")
def run(search_engine: Engine) -> Search:
    """Search like the API does: ``run("Patient", ("name", "x"), ctx=..., prefer=...)``."""

    def runner(
        rtype: str | None,
        *params: tuple[str, str],
        ctx: AccessContext | None = None,
        prefer: str | None = None,
        max_includes: int | None = None,
    ) -> dict[str, Any]:
        headers = {"prefer": prefer} if prefer else {}
        settings = SETTINGS
        if max_includes is not None:
            settings = load_settings(
                {"DATABASE_URL": "sqlite://", "SEARCH_MAX_INCLUDES": max_includes}, environ={}
            )
        request = FhirRequest("GET", BASE_URL, rtype, params=tuple(params), headers=headers)
        with search_engine.connect() as conn:
            response = search(request, ctx or AccessContext.internal(), conn, settings)
        assert response.status == 200
        assert response.body is not None
        return dict(orjson.loads(response.body))

    return runner


def ids(bundle: dict[str, Any], mode: str = "match") -> set[str]:
    """The ids of the entries with search mode ``mode``."""
    return {e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode}
