"""The ``gateway`` command line: each area contributes sub-commands (migrate, load, ...)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

# Modules exposing ``register(subparsers)``; each sub-command sets ``func(args) -> int``.
COMMAND_MODULES: tuple[str, ...] = (
    "gateway.commands",
    "gateway.ingest.demo.commands",
    "gateway.ingest.feeds.commands",
    "gateway.auth_commands",
    "gateway.search.commands",
    "gateway.ingest.ehr.commands",
)


def build_parser() -> argparse.ArgumentParser:
    """The parser with every area's sub-commands."""
    parser = argparse.ArgumentParser(prog="gateway", description="FHIR payer gateway")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gateway`` console script."""
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
