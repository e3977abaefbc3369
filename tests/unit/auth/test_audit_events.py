"""Audit rows rendered as AuditEvent: structure, and base R4 validity by the shared validator."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.audit.events import searchset, to_audit_event

pytestmark = pytest.mark.unit
SHARED = Path(__file__).resolve().parents[4] / "shared"


def _row(**changes: Any) -> dict[str, Any]:
    row = {
        "event_id": 7,
        "recorded": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "action": "search",
        "outcome": "refused",
        "agent_kind": "patient",
        "client_id": "app-1",
        "fhir_user": "Patient/p1",
        "patient_id": "p1",
        "resource_type": "Observation",
        "resource_ids": "o1 o2 +3",
        "token_hash": "ab" * 32,
    }
    row.update(changes)
    return row


def test_search_event_names_the_patient_and_each_returned_resource() -> None:
    event = to_audit_event(_row(), "http://x/fhir")
    refs = [e["what"]["reference"] for e in event["entity"]]
    assert refs == ["Patient/p1", "Observation/o1", "Observation/o2"]
    assert event["outcome"] == "4"
    assert event["recorded"] == "2026-01-02T03:04:05Z"
    assert event["agent"][0]["who"]["identifier"]["value"] == "app-1"


def test_event_never_carries_the_token_hash() -> None:
    assert "ab" * 32 not in json.dumps(to_audit_event(_row(), "http://x/fhir"))


@pytest.mark.skipif(shutil.which("node") is None, reason="the validator needs node")
def test_audit_events_validate_as_base_r4(tmp_path: Path) -> None:
    rows = [_row(), _row(event_id=8, action="read", fhir_user=None, patient_id=None)]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(searchset(rows, "http://x/fhir")))
    validator = SHARED / "tools" / "fhir-validate" / "validate"
    result = subprocess.run(
        [str(validator), str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_full_references_in_ids_are_kept() -> None:
    event = to_audit_event(_row(resource_ids="Coverage/c1 ExplanationOfBenefit/e1"), "http://x")
    refs = [e["what"]["reference"] for e in event["entity"]]
    assert refs == ["Patient/p1", "Coverage/c1", "ExplanationOfBenefit/e1"]
