"""Every table the gateway owns, for migrations and for the schema check in the tests.

Each area registers its MetaData here; the auth area keeps its own (auth never imports gateway).
"""

from __future__ import annotations

from importlib import import_module

from sqlalchemy import MetaData

# Modules that define tables; each exposes ``metadata``. An area adds its module here.
TABLE_MODULES: tuple[str, ...] = (
    "gateway.store.tables",
    "auth.tables",
    "gateway.audit.tables",
    "gateway.jobs.tables",
    "gateway.ingest.ehr.tables",
    "gateway.store.index_tables",
)


def all_metadata() -> list[MetaData]:
    """The MetaData objects of every area, de-duplicated, in a stable order."""
    seen: list[MetaData] = []
    for name in TABLE_MODULES:
        md = import_module(name).metadata
        if all(md is not other for other in seen):
            seen.append(md)
    return seen
