"""What a batch of the EHR pipeline takes and gives: items in, a report out.

An item is one incoming resource with where it came from; the import job's workers may have
checked it, listed its references and extracted its index rows already
(:mod:`gateway.ingest.ehr.checks`). The report holds the counts, the per-item issues with file
and line, and each item's outcome.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gateway.ingest.ehr.references import all_references
from gateway.jobs.store import JobIssue
from gateway.search.extract import IndexRows


@dataclass(frozen=True, slots=True)
class Item:
    """One incoming resource and where it came from (file and line, or Bundle entry).

    ``problems``, ``index`` and ``references`` are the checks, the index rows as sent and the
    distinct reference strings when a worker process already made them (the import job);
    ``None`` means the pipeline (or the store) makes them. The pipeline owns ``resource``:
    it rewrites the references of a stored resource in place.
    """

    file: str
    line: int
    resource: dict[str, Any]
    problems: tuple[str, ...] | None = None
    index: IndexRows | None = None
    references: tuple[str, ...] | None = None

    def all_references(self) -> tuple[str, ...]:
        """The distinct reference strings of the resource, in document order."""
        if self.references is None:
            return tuple(dict.fromkeys(all_references(self.resource)))
        return self.references


@dataclass(slots=True)
class BatchReport:
    """What a batch did: counts, per-item issues, and each stored item's reference."""

    counts: Counter[str] = field(default_factory=Counter)
    issues: list[JobIssue] = field(default_factory=list)
    # item index -> (outcome, "Type/id" or ""): created, updated, unchanged, merged, held,
    # matched, review, known (a Patient seen before), skipped, error.
    results: dict[int, tuple[str, str]] = field(default_factory=dict)

    def issue(self, index: int, item: Item, message: str) -> None:
        """Record a problem with one item; the item is not stored."""
        self.counts["errors"] += 1
        self.issues.append(JobIssue(item.file, item.line, "error", message))
        self.results[index] = ("error", message)
