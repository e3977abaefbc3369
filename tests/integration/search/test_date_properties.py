"""Property test: date searches in SQL agree with a small Python model of CONFORMANCE 2.4.

The model computes ranges independently (calendar arithmetic on datetimes) and applies the
prefix rules literally; hypothesis draws search values and prefixes.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from auth.context import AccessContext
from gateway.interactions.messages import FhirRequest
from gateway.interactions.search import search
from tests.conftest import BASE_URL
from tests.integration.search.conftest import BACKENDS, SETTINGS, engine_with

pytestmark = pytest.mark.integration
MICRO = timedelta(microseconds=1)
LOW = datetime(1, 1, 1, tzinfo=UTC)
HIGH = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def _value(rng: random.Random) -> str:
    year, month, day = rng.choice([2023, 2024]), rng.randint(1, 12), rng.randint(1, 28)
    form = rng.randrange(4)
    if form == 0:
        return f"{year}"
    if form == 1:
        return f"{year}-{month:02d}"
    if form == 2:
        return f"{year}-{month:02d}-{day:02d}"
    zone = rng.choice(["Z", "+05:00", "-08:00"])
    return f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:30:00{zone}"


def _dataset() -> list[dict[str, Any]]:
    rng = random.Random(7)
    found: list[dict[str, Any]] = []
    for n in range(40):
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": f"d{n}",
            "status": "final",
            "code": {"text": "x"},
        }
        if n % 4 == 3:
            start = _value(rng) if n % 8 != 7 else None
            end = _value(rng) if n % 8 == 7 else None
            obs["effectivePeriod"] = {k: v for k, v in (("start", start), ("end", end)) if v}
        else:
            obs["effectiveDateTime"] = _value(rng)
        found.append(obs)
    return found


DATA = _dataset()


def model_range(value: str) -> tuple[datetime, datetime]:
    """Independent range computation: the start and the last microsecond of the precision."""
    if len(value) == 4:
        start = datetime(int(value), 1, 1, tzinfo=UTC)
        return start, start.replace(year=start.year + 1) - MICRO
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        start = datetime(year, month, 1, tzinfo=UTC)
        return start, start + timedelta(days=calendar.monthrange(year, month)[1]) - MICRO
    if len(value) == 10:
        start = datetime.fromisoformat(value).replace(tzinfo=UTC)
        return start, start + timedelta(days=1) - MICRO
    start = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return start, start + timedelta(seconds=1) - MICRO


def target_range(obs: dict[str, Any]) -> tuple[datetime, datetime]:
    if "effectiveDateTime" in obs:
        return model_range(obs["effectiveDateTime"])
    period = obs["effectivePeriod"]
    low = model_range(period["start"])[0] if "start" in period else LOW
    high = model_range(period["end"])[1] if "end" in period else HIGH
    return low, high


def matches(
    prefix: str, target: tuple[datetime, datetime], search_: tuple[datetime, datetime]
) -> bool:
    (t_low, t_high), (s_low, s_high) = target, search_
    eq = s_low <= t_low and t_high <= s_high
    return {
        "eq": eq,
        "ne": not eq,
        "gt": t_high > s_high,
        "lt": t_low < s_low,
        "ge": t_high > s_high or eq,
        "le": t_low < s_low or eq,
        "sa": t_low > s_high,
        "eb": t_high < s_low,
        "ap": t_low <= s_high and t_high >= s_low,
    }[prefix]


@pytest.fixture(scope="module", params=BACKENDS)
def date_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Engine]:
    yield from engine_with(request, tmp_path_factory, sqlite_template, DATA)


def _found(engine: Engine, value: str) -> set[str]:
    request = FhirRequest(
        "GET", BASE_URL, "Observation", params=(("date", value), ("_count", "100"))
    )
    with engine.connect() as conn:
        body = search(request, AccessContext.internal(), conn, SETTINGS).body
    assert body is not None
    return {e["resource"]["id"] for e in orjson.loads(body).get("entry", [])}


values = st.builds(lambda r: _value(random.Random(r)), st.integers(0, 10_000))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=st.sampled_from(["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"]), value=values)
def test_date_search_agrees_with_the_model(date_engine: Engine, prefix: str, value: str) -> None:
    wanted = model_range(value)
    expected = {o["id"] for o in DATA if matches(prefix, target_range(o), wanted)}
    assert _found(date_engine, f"{prefix}{value}") == expected
