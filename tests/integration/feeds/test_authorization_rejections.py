"""One test per rejection rule of the optional PAS details in the authorization feed (D8)."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from gateway.ingest.demo.members import write_member_feeds
from gateway.ingest.feeds.authorizations import AuthorizationSchema
from tests.integration.feeds.pool import small_pool

pytestmark = pytest.mark.unit
_FIELDS = AuthorizationSchema().fields
_CORE = {name for name, field in _FIELDS.items() if field.required or name == "decision_date"}


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """A generated authorization of each status and claim type, as feed rows."""
    out: Path = tmp_path_factory.mktemp("auths")
    write_member_feeds(out, small_pool(), 40, seed=5)
    lines = (out / "authorizations.jsonl").read_text().splitlines()
    found: dict[str, dict[str, Any]] = {}
    for row in map(json.loads, lines):
        found.setdefault(row["status"], row)
        found.setdefault(row["claim_type"], row)
    return found


def _error(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        AuthorizationSchema().load({**copy.deepcopy(row), **changes})
    return caught.value.messages  # type: ignore[return-value]


def test_generated_rows_with_every_detail_load(rows: dict[str, dict[str, Any]]) -> None:
    stay = rows["institutional"]
    record = AuthorizationSchema().load(stay)
    assert record.admission is not None
    assert record.admission.admission_date == stay["admission"]["admission_date"]


def test_rows_without_any_detail_still_load(rows: dict[str, dict[str, Any]]) -> None:
    core = {k: v for k, v in rows["approved"].items() if k in _CORE}
    assert len(core) < len(rows["approved"])
    record = AuthorizationSchema().load(core)
    assert (record.admission, record.modifiers, record.errors) == (None, (), ())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requester_role", "referring"),
        ("requester_taxonomy", "207Q0000"),
        ("event_date", "2024-1-05"),
        ("diagnosis_type", "secondary"),
        ("diagnosis_recorded_date", "yesterday"),
        ("request_type", "HSX"),
        ("epsdt_indicator", "sometimes"),
        ("place_of_service", "office"),
        ("unit_price", -1),
        ("modifiers", ["GPX"]),
        ("modifiers", ["GP", "59", "RT", "LT", "KX"]),
        ("order_number", "has space"),
        ("communicated_diagnoses", ["not-icd"]),
        ("message_text", ["x" * 265]),
        ("message_text", [""]),
        ("additional_information", ["x" * 81]),
        ("decision_notes", ["x" * 265]),
    ],
)
def test_detail_field_rule_rejects(
    rows: dict[str, dict[str, Any]], field: str, value: object
) -> None:
    assert field in _error(rows["pended"], **{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("admission", {"admission_date": "2024-01-10"}),
        ("nursing_home_residential_status", "2"),
        ("nursing_home_level_of_care", "2"),
        ("revenue_code", "0360"),
        ("revenue_unit_rate_limit", 100.0),
    ],
)
def test_institutional_detail_on_a_professional_request_is_rejected(
    rows: dict[str, dict[str, Any]], field: str, value: object
) -> None:
    assert _error(rows["professional"], **{field: value}) == {
        field: ["is only for institutional requests"]
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("revenue_code", "360"), ("revenue_unit_rate_limit", -5)],
)
def test_institutional_detail_field_rule_rejects(
    rows: dict[str, dict[str, Any]], field: str, value: object
) -> None:
    assert field in _error(rows["institutional"], **{field: value})


def test_discharge_before_admission_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    stay = {"admission_date": "2024-01-10", "discharge_date": "2024-01-09"}
    errors = _error(rows["institutional"], admission=stay)
    assert errors == {"admission": {"discharge_date": ["must not be before admission_date"]}}


def test_admission_without_a_date_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    errors = _error(rows["institutional"], admission={"admission_type": "3"})
    assert "admission_date" in errors["admission"]


def test_unknown_admission_type_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    stay = {"admission_date": "2024-01-10", "admission_type": "elective"}
    assert "admission_type" in _error(rows["institutional"], admission=stay)["admission"]


def test_event_end_without_event_date_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    errors = _error(rows["approved"], event_date=None, event_end_date="2024-01-01")
    assert errors == {"event_end_date": ["needs event_date"]}


def test_event_end_before_event_date_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    errors = _error(rows["approved"], event_date="2024-02-01", event_end_date="2024-01-01")
    assert errors == {"event_end_date": ["must not be before event_date"]}


def test_diagnosis_recorded_after_the_request_is_rejected(
    rows: dict[str, dict[str, Any]],
) -> None:
    row = rows["approved"]
    errors = _error(row, diagnosis_recorded_date=_day_after(row["request_date"]))
    assert errors == {"diagnosis_recorded_date": ["must not be after request_date"]}


def test_accident_after_the_request_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    row = rows["approved"]
    accident = {"accident_type": "AA", "accident_date": _day_after(row["request_date"])}
    assert _error(row, accident=accident) == {
        "accident": {"accident_date": ["must not be after request_date"]}
    }


def test_empty_accident_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    errors = _error(rows["approved"], accident={})
    assert errors == {"accident": {"accident_type": ["needs accident_type or accident_date"]}}


def test_unknown_accident_type_is_rejected(rows: dict[str, dict[str, Any]]) -> None:
    errors = _error(rows["approved"], accident={"accident_type": "XX"})
    assert "accident_type" in errors["accident"]


@pytest.mark.parametrize("status", ["approved", "partial", "cancelled"])
def test_errors_on_a_request_that_passed_validation_are_rejected(
    rows: dict[str, dict[str, Any]], status: str
) -> None:
    errors = _error(rows[status], errors=[{"code": "57"}])
    assert errors == {"errors": ["are only for denied or pended requests"]}


@pytest.mark.parametrize(
    "error",
    [
        {"follow_up_action": "C"},
        {"code": "5"},
        {"code": "57", "follow_up_action": "CC"},
        {"code": "57", "element": ""},
        {"code": "57", "path": "x" * 257},
    ],
)
def test_malformed_request_error_is_rejected(
    rows: dict[str, dict[str, Any]], error: dict[str, str]
) -> None:
    assert "errors" in _error(rows["denied"], errors=[error])


def test_information_request_on_a_decided_request_is_rejected(
    rows: dict[str, dict[str, Any]],
) -> None:
    wanted = {"category": "09", "text": "Send the progress notes."}
    errors = _error(rows["approved"], information_request=wanted)
    assert errors == {"information_request": ["is only for pended requests"]}


@pytest.mark.parametrize(
    "wanted",
    [{"category": "09"}, {"category": "9", "text": "notes"}, {"category": "09", "text": ""}],
)
def test_malformed_information_request_is_rejected(
    rows: dict[str, dict[str, Any]], wanted: dict[str, str]
) -> None:
    assert "information_request" in _error(rows["pended"], information_request=wanted)


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
