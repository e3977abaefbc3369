"""Core sub-commands: ``gateway migrate``."""

from __future__ import annotations

import argparse
from typing import Any

from config import load_settings
from gateway.store.engine import make_engine
from gateway.store.migrate import upgrade


def register(subparsers: Any) -> None:
    """Add the core sub-commands."""
    migrate = subparsers.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(func=_migrate)


def _migrate(_args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings["DATABASE_URL"])
    upgrade(engine)
    engine.dispose()
    print("database is at the newest schema")
    return 0
