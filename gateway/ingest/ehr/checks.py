"""The per-resource checks of an EHR feed, and the same checks over a chunk of NDJSON lines.

Every incoming resource is checked for FHIR structure (``gateway.fhir.structure_issues``) and
for the US Core profiles it claims (docs/ehr-feeds.md "Validation"). The chunk form is what
the import job runs in worker processes: pure, picklable in and out, order preserved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.fhir import structure_issues
from gateway.ingest.ehr.profiles import profile_issues

MAX_PROBLEMS = 5


@dataclass(frozen=True, slots=True)
class LineCheck:
    """What the checks found on one NDJSON line: unreadable, or the resource's problems."""

    number: int
    error: str | None
    problems: tuple[str, ...] = ()


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
    """Read and check each ``(line number, raw line)``; runs in a worker process."""
    checks = []
    for number, raw in lines:
        resource, error = read_line(raw)
        problems = tuple(resource_problems(resource)) if resource is not None else ()
        checks.append(LineCheck(number, error, problems))
    return checks
