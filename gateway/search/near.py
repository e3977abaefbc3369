"""The geometry of ``near``: a bounding box for the index, and the exact great-circle test.

Positions are on a sphere of the WGS84 mean radius. A location is within distance ``d`` of
the searched point when the angle between them is at most ``d / R``, that is when the dot
product of their unit vectors is at least ``cos(d / R)``: plain arithmetic the database
evaluates on the stored vector (no trigonometry in SQL, so SQLite needs no extra function).
The bounding box (latitude band, longitude window; two windows across the antimeridian, all
longitudes when a pole is inside) only lets the index skip far rows; it always contains the
whole circle. https://hl7.org/fhir/R4/location.html#positional
"""

from __future__ import annotations

import math

from gateway.search.terms import NearTerm
from gateway.search.values import unit_vector

EARTH_RADIUS_KM = 6371.0088
# Widens the box a little so rounding can never cut off a row the exact test accepts.
_SLACK = 1e-9
_EMPTY = (1000.0, -1000.0)  # a longitude window nothing falls in


def near_values(term: NearTerm) -> dict[str, float]:
    """The values the ``near`` condition binds: box bounds, point vector, cosine bound."""
    angle = term.km / EARTH_RADIUS_KM
    if angle >= math.pi:
        return _everywhere(term)
    x, y, z = unit_vector(term.latitude, term.longitude)
    spread = math.degrees(angle) + _SLACK
    lat_lo, lat_hi = term.latitude - spread, term.latitude + spread
    first, second = _longitudes(term.latitude, term.longitude, angle, lat_lo, lat_hi)
    return {
        "lat_lo": lat_lo,
        "lat_hi": lat_hi,
        "a_lo": first[0],
        "a_hi": first[1],
        "b_lo": second[0],
        "b_hi": second[1],
        "x": x,
        "y": y,
        "z": z,
        "cos_min": math.cos(angle),
    }


def _longitudes(
    latitude: float, longitude: float, angle: float, lat_lo: float, lat_hi: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    if lat_lo <= -90 or lat_hi >= 90:
        return (-180.0, 180.0), _EMPTY
    # The widest longitude difference on a spherical cap: asin(sin(angle) / cos(latitude)).
    ratio = math.sin(angle) / math.cos(math.radians(latitude))
    if ratio >= 1:
        return (-180.0, 180.0), _EMPTY
    spread = math.degrees(math.asin(ratio)) + _SLACK
    low, high = longitude - spread, longitude + spread
    if low < -180:
        return (-180.0, high), (low + 360, 180.0)
    if high > 180:
        return (low, 180.0), (-180.0, high - 360)
    return (low, high), _EMPTY


def _everywhere(term: NearTerm) -> dict[str, float]:
    x, y, z = unit_vector(term.latitude, term.longitude)
    return {
        "lat_lo": -90.0,
        "lat_hi": 90.0,
        "a_lo": -180.0,
        "a_hi": 180.0,
        "b_lo": _EMPTY[0],
        "b_hi": _EMPTY[1],
        "x": x,
        "y": y,
        "z": z,
        "cos_min": -2.0,
    }
