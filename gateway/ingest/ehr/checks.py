"""The per-resource checks of an EHR feed, and the same checks over a chunk of NDJSON lines.

Every incoming resource is checked for FHIR structure (``gateway.fhir.structure_issues``) and
for the US Core profiles it claims (docs/ehr-feeds.md "Validation"). The chunk form is what
the import job runs in worker processes: pure, picklable in and out, order preserved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import orjson

from gateway.fhir import structure_issues
from gateway.ingest.ehr.index_rows import prepared_rows
from gateway.ingest.ehr.profiles import profile_issues
from gateway.ingest.ehr.references import all_references
from gateway.search.extract import IndexRows

MAX_PROBLEMS = 5
# Payer-authoritative or gateway-made types: an EHR's copy is counted and skipped.
SKIPPED_TYPES = frozenset({"Claim", "ExplanationOfBenefit", "Coverage", "Provenance", "Bundle"})


class LineCheck(NamedTuple):
    """What the checks found on one NDJSON line: unreadable, or the resource's problems.

    ``rows``, ``patients`` (its index rows as sent, see :mod:`gateway.ingest.ehr.index_rows`)
    and ``references`` (its distinct reference strings) are given for a valid resource the
    pipeline may store (not a Patient, not a skipped type). A named tuple, not a dataclass:
    chunks of these cross from the workers, and a tuple unpickles in half the time.
    """

    number: int
    error: str | None
    problems: tuple[str, ...] = ()
    rows: dict[str, list[tuple[Any, ...]]] | None = None
    patients: tuple[str, ...] = ()
    references: tuple[str, ...] | None = None

    def index_rows(self) -> IndexRows | None:
        """The index rows as sent, if made."""
        if self.rows is None:
            return None
        return IndexRows(self.rows, set(self.patients))


def resource_problems(resource: Mapping[str, Any]) -> list[str]:
    """Structure problems, else missing elements of claimed profiles, else a missing id."""
    problems = [f"{i.expression}: {i.message}" for i in structure_issues(resource)]
    if not problems:
        problems = profile_issues(resource)
    if not problems and not resource.get("id"):
        problems = [f"{resource['resourceType']}.id: required element is missing"]
    return problems[:MAX_PROBLEMS]


def read_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """One NDJSON line as a JSON object, or why it is not one."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None, "not valid JSON"
    if not isinstance(value, dict):
        return None, "a line must hold one JSON object"
    return value, None


def check_lines(lines: Sequence[tuple[int, bytes]]) -> list[LineCheck]:
    """Read, check and index each ``(line number, raw line)``; runs in a worker process."""
    checks = []
    for number, raw in lines:
        resource, error = read_line(raw)
        if resource is None:
            checks.append(LineCheck(number, error))
            continue
        problems = tuple(resource_problems(resource))
        if problems or resource["resourceType"] in (*SKIPPED_TYPES, "Patient"):
            checks.append(LineCheck(number, None, problems))
            continue
        references = tuple(dict.fromkeys(all_references(resource)))
        index = prepared_rows(resource, references)
        patients = tuple(index.patients)
        checks.append(LineCheck(number, None, problems, index.rows, patients, references))
    return checks
