"""Every feed kind, gathered from the family modules; load order follows ``FeedKind.order``."""

from __future__ import annotations

from importlib import import_module

from gateway.ingest.feeds.kind import FeedKind

# Family modules, each exposing ``KINDS: tuple[FeedKind, ...]``. A family adds its module here.
FAMILY_MODULES: tuple[str, ...] = (
    "gateway.ingest.feeds.providers",
    "gateway.ingest.feeds.networks",
    "gateway.ingest.feeds.plans",
    "gateway.ingest.feeds.members",
    "gateway.ingest.feeds.claims",
    "gateway.ingest.feeds.authorizations",
    "gateway.ingest.feeds.care",
)


def feed_kinds() -> list[FeedKind]:
    """All feed kinds in load order."""
    kinds = [kind for name in FAMILY_MODULES for kind in import_module(name).KINDS]
    return sorted(kinds, key=lambda k: (k.order, k.name))


def kind_named(name: str) -> FeedKind:
    """The feed kind called ``name``; ``KeyError`` when there is none."""
    for kind in feed_kinds():
        if kind.name == name:
            return kind
    raise KeyError(name)
