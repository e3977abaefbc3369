"""Stable, opaque resource ids derived from source-system keys.

Ids never contain member numbers or other identifiers (URLs are logged); the same source
key always gives the same id, so reloads update in place and references can be built by
any mapping without a lookup.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

NAMESPACE = uuid.UUID("8c1b0d8e-5a57-4f37-9a0e-6f4c2a1d9b11")


@lru_cache(maxsize=4096)
def resource_id(kind: str, source_key: str) -> str:
    """The id of the resource of ``kind`` (e.g. ``"member"``, ``"practitioner"``) for a key.

    Cached (bounded): a claim names its member, payer, providers and coverage again and again,
    and a uuid5 costs about 5 us. Small on purpose: the repeats are close together, and EHR
    imports pass many one-off keys (a Provenance key names all its targets) that a large cache
    would keep, growing a long import's memory with its input.
    """
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{source_key}"))


def reference(resource_type: str, kind: str, source_key: str) -> str:
    """A relative reference ``Type/id`` to the resource made from ``source_key``."""
    return f"{resource_type}/{resource_id(kind, source_key)}"
