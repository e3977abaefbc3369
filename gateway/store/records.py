"""What the store hands back: stored resources and the outcome of a write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum


@dataclass(frozen=True, slots=True)
class StoredResource:
    """One version of a resource as stored; ``body`` is the exact JSON served (empty if deleted)."""

    rid: int
    resource_type: str
    id: str
    version_id: int
    last_updated: datetime
    deleted: bool
    body: bytes

    @property
    def etag(self) -> str:
        """The weak ETag of this version (https://hl7.org/fhir/R4/http.html#versioning)."""
        return f'W/"{self.version_id}"'


class WriteOutcome(Enum):
    """What an upsert did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def as_utc(value: datetime | str) -> datetime:
    """A timezone-aware UTC datetime from what a driver returns (SQLite gives naive or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def fhir_instant(value: datetime) -> str:
    """A FHIR ``instant`` in UTC with milliseconds, e.g. ``2026-11-23T12:00:00.123Z``."""
    return as_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")
