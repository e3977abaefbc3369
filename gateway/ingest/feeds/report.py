"""What a feed load reports: counts, rejected rows (file, line, field, reason), stage times."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.store.records import WriteOutcome

# parse, validate (marshmallow), map, fhir (structure check), index (extraction), serialize
# (body bytes and hash, in worker processes): CPU seconds of the preparing processes; write
# (SQL, one transaction per batch): wall seconds of the writing process.
STAGES = ("parse", "validate", "map", "fhir", "index", "serialize", "write")


@dataclass(frozen=True, slots=True)
class RowError:
    """One rejected row: where it is, which field, and why."""

    file: str
    line: int
    field: str
    reason: str


@dataclass
class LoadReport:
    """Counts of a load, the rejected rows and the time spent per stage (seconds)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def resources(self) -> int:
        """Resources written or confirmed unchanged."""
        return self.created + self.updated + self.unchanged

    def merge(self, other: LoadReport) -> None:
        """Add the counts, errors and stage times of a partial report."""
        for name in ("created", "updated", "unchanged", "rejected", "rows"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        for stage, value in other.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + value

    def count(self, outcome: WriteOutcome) -> None:
        """Record one write outcome (``created``, ``updated`` or ``unchanged``)."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)
