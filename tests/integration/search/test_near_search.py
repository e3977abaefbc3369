"""``near`` on Location.position: within the distance by great circle, on both databases.

The dataset places locations by the spherical destination formula at known distances and
bearings just inside and just outside the searched distance, across the antimeridian and
around a pole. Each table row lists exactly the ids that must match; every other Location
must not. A property test compares random searches with an independent haversine model.
https://hl7.org/fhir/R4/location.html#positional ; https://hl7.org/fhir/R4/search.html#special
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth.context import AccessContext
from gateway.search.capability import search_capability
from tests.integration.search.conftest import Search, dataset, ids

pytestmark = pytest.mark.integration

RADIUS_KM = 6371.0088  # the WGS84 mean radius the gateway documents
HARTFORD = (41.7658, -72.6734)


def destination(start: tuple[float, float], bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` from ``start`` on the initial ``bearing`` (degrees), on the sphere."""
    lat1, lon1, theta = map(math.radians, (*start, bearing))
    delta = km / RADIUS_KM
    lat2 = math.asin(
        math.sin(lat1) * math.cos(delta) + math.cos(lat1) * math.sin(delta) * math.cos(theta)
    )
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(lat1),
        math.cos(delta) - math.sin(lat1) * math.sin(lat2),
    )
    lon = (math.degrees(lon2) + 540) % 360 - 180
    return math.degrees(lat2), lon


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (an independent formula from the gateway's)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * RADIUS_KM * math.asin(math.sqrt(h))


POINTS: dict[str, tuple[float, float]] = {
    "at": HARTFORD,
    "n-9.9": destination(HARTFORD, 0, 9.9),
    "n-10.1": destination(HARTFORD, 0, 10.1),
    "e-9.9": destination(HARTFORD, 90, 9.9),
    "e-10.1": destination(HARTFORD, 90, 10.1),
    "sw-9.95": destination(HARTFORD, 225, 9.95),
    "sw-10.05": destination(HARTFORD, 225, 10.05),
    "s-40": destination(HARTFORD, 180, 40),
    "s-60": destination(HARTFORD, 180, 60),
    "boston": (42.3601, -71.0589),
    "date-line-w": (0.0, 179.95),
    "date-line-e": (0.0, -179.95),
    "date-line-far": (0.0, -179.8),
    "pole-a": (89.95, 10.0),
    "pole-b": (89.95, -170.0),
    "pole-far": (89.0, -170.0),
}


def _location(name: str, point: tuple[float, float] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"resourceType": "Location", "id": name, "status": "active"}
    if point is not None:
        body["position"] = {"latitude": point[0], "longitude": point[1]}
    return body


RESOURCES: list[dict[str, Any]] = [
    *(_location(name, point) for name, point in POINTS.items()),
    _location("nowhere", None),
    {
        "resourceType": "Location",
        "id": "bad-position",
        "position": {"latitude": 95, "longitude": 0},
    },
    {
        "resourceType": "PractitionerRole",
        "id": "role-near",
        "location": [{"reference": "Location/n-9.9"}],
    },
    {
        "resourceType": "PractitionerRole",
        "id": "role-far",
        "location": [{"reference": "Location/boston"}],
    },
]


search_engine = dataset(RESOURCES)


H = f"{HARTFORD[0]}|{HARTFORD[1]}"
WITHIN_10 = {"at", "n-9.9", "e-9.9", "sw-9.95"}
CASES: list[tuple[str, str, set[str]]] = [
    ("km", f"{H}|10|km", WITHIN_10),
    ("km-default-unit", f"{H}|10", WITHIN_10),
    ("km-empty-unit", f"{H}|10|", WITHIN_10),
    ("miles", f"{H}|6.2|[mi_i]", WITHIN_10),  # 9.978 km
    ("metres", f"{H}|9920|m", {"at", "n-9.9", "e-9.9"}),
    ("zero", f"{H}|0|km", {"at"}),
    ("default-distance-50km", H, {*WITHIN_10, "n-10.1", "e-10.1", "sw-10.05", "s-40"}),
    (
        "large",
        f"{H}|200|km",
        {*WITHIN_10, "n-10.1", "e-10.1", "sw-10.05", "s-40", "s-60", "boston"},
    ),
    ("or", f"{H}|0|km,42.3601|-71.0589|1|km", {"at", "boston"}),
    ("across-the-date-line", "0|179.99|10|km", {"date-line-w", "date-line-e"}),
    ("across-the-date-line-east", "0|-179.99|10|km", {"date-line-w", "date-line-e"}),
    ("around-the-pole", "89.99|100|15|km", {"pole-a", "pole-b"}),
    ("on-the-pole", "90|0|12|km", {"pole-a", "pole-b"}),
    ("whole-earth", f"{H}|30000|km", set(POINTS)),
]


@pytest.mark.parametrize(("name", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_near_matches_within_the_distance(
    run: Search, name: str, value: str, expected: set[str]
) -> None:
    assert ids(run("Location", ("near", value))) == expected


def test_dataset_distances_are_what_the_names_say() -> None:
    for name, point in POINTS.items():
        if name[0] in "nesw" and "-" in name:
            assert haversine(HARTFORD, point) == pytest.approx(float(name.split("-")[1]))


def test_near_is_a_directory_search_for_anonymous_callers(run: Search) -> None:
    found = run("Location", ("near", f"{H}|10|km"), ctx=AccessContext.anonymous())
    assert ids(found) == WITHIN_10


def test_near_in_a_chain(run: Search) -> None:
    assert ids(run("PractitionerRole", ("location.near", f"{H}|10|km"))) == {"role-near"}


def test_near_with_missing(run: Search) -> None:
    assert ids(run("Location", ("near:missing", "true"))) == {"nowhere", "bad-position"}


def test_capability_statement_lists_near() -> None:
    params = {p["name"]: p for p in search_capability("Location")["searchParam"]}
    assert params["near"]["type"] == "special"
    assert "[mi_i]" in params["near"]["documentation"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    latitude=st.floats(-89.9, 89.9),
    longitude=st.floats(-180, 180),
    km=st.floats(0, 3000),
)
def test_near_agrees_with_the_haversine_model(
    run: Search, latitude: float, longitude: float, km: float
) -> None:
    centre = (latitude, longitude)
    distances = {name: haversine(centre, point) for name, point in POINTS.items()}
    # a model of another formula may round differently within a metre of the boundary
    if any(abs(d - km) < 1e-3 for d in distances.values()):
        return
    expected = {name for name, d in distances.items() if d <= km}
    assert ids(run("Location", ("near", f"{latitude}|{longitude}|{km}|km"))) == expected
