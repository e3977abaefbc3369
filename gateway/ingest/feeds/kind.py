"""What a feed kind is: a file format, a row schema and a pure mapping to FHIR (DESIGN D8)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from marshmallow import Schema

# A mapping's output: FHIR JSON dicts, each with resourceType and a stable id.
MappedResources = Iterable[Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class FeedKind:
    """One internal feed: ``members.csv``, ``claims.jsonl``, ``practitioners.csv`` ...

    ``schema`` loads one row (a CSV row or a JSON Lines object) into a record; ``to_fhir`` maps
    the record to the resources it produces; ``mapping_version`` is stored with each resource so
    a changed mapping can re-materialise (DESIGN D1). ``order`` sets the load order across kinds
    (referenced data first: network 10, members 20, claims 30, ...).
    """

    name: str
    file_pattern: str
    file_format: Literal["csv", "jsonl"]
    schema: type[Schema]
    to_fhir: Callable[[Any], MappedResources]
    mapping_version: str
    order: int
    doc: str
