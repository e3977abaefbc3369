"""Plausible coordinates for NPPES addresses, which carry none: a small city table, deterministic.

Unknown cities fall back to their state's centre; every point is nudged by a hash of its key so
that addresses in one city do not share a single point.
"""

from __future__ import annotations

import hashlib
import json

# City centres (latitude, longitude) for the cities of the sample extract with most providers.
CITIES: dict[tuple[str, str], tuple[float, float]] = {
    ("FARMINGTON", "CT"): (41.7198, -72.8320),
    ("HARTFORD", "CT"): (41.7658, -72.6734),
    ("WEST HARTFORD", "CT"): (41.7621, -72.7420),
    ("EAST HARTFORD", "CT"): (41.7823, -72.6120),
    ("NEW BRITAIN", "CT"): (41.6612, -72.7795),
    ("NEW HAVEN", "CT"): (41.3083, -72.9279),
    ("WEST HAVEN", "CT"): (41.2706, -72.9470),
    ("HAMDEN", "CT"): (41.3959, -72.8968),
    ("BRIDGEPORT", "CT"): (41.1792, -73.1894),
    ("FAIRFIELD", "CT"): (41.1408, -73.2613),
    ("TRUMBULL", "CT"): (41.2429, -73.2007),
    ("SHELTON", "CT"): (41.3165, -73.0932),
    ("STAMFORD", "CT"): (41.0534, -73.5387),
    ("NORWALK", "CT"): (41.1177, -73.4082),
    ("DANBURY", "CT"): (41.3948, -73.4540),
    ("MIDDLETOWN", "CT"): (41.5623, -72.6506),
    ("MERIDEN", "CT"): (41.5382, -72.8070),
    ("NEW LONDON", "CT"): (41.3557, -72.0995),
    ("NORWICH", "CT"): (41.5243, -72.0759),
    ("BLOOMFIELD", "CT"): (41.8265, -72.7301),
    ("BOSTON", "MA"): (42.3601, -71.0589),
    ("CAMBRIDGE", "MA"): (42.3736, -71.1097),
    ("NEWTON", "MA"): (42.3370, -71.2092),
    ("DEDHAM", "MA"): (42.2418, -71.1662),
    ("NORWOOD", "MA"): (42.1945, -71.1995),
    ("BURLINGTON", "MA"): (42.5048, -71.1956),
    ("FRAMINGHAM", "MA"): (42.2793, -71.4162),
    ("WORCESTER", "MA"): (42.2626, -71.8023),
    ("SPRINGFIELD", "MA"): (42.1015, -72.5898),
    ("PITTSFIELD", "MA"): (42.4501, -73.2454),
    ("FALL RIVER", "MA"): (41.7015, -71.1550),
    ("NEW BEDFORD", "MA"): (41.6362, -70.9342),
    ("BROCKTON", "MA"): (42.0834, -71.0184),
    ("QUINCY", "MA"): (42.2529, -71.0023),
    ("HAVERHILL", "MA"): (42.7762, -71.0773),
    ("NEWBURYPORT", "MA"): (42.8126, -70.8773),
    ("LAWRENCE", "MA"): (42.7070, -71.1631),
    ("PROVIDENCE", "RI"): (41.8240, -71.4128),
    ("WARWICK", "RI"): (41.7001, -71.4162),
    ("CRANSTON", "RI"): (41.7798, -71.4373),
    ("WOONSOCKET", "RI"): (42.0029, -71.5148),
    ("NEWPORT", "RI"): (41.4901, -71.3128),
}
STATES: dict[str, tuple[float, float]] = {
    "CT": (41.6032, -72.6906),
    "MA": (42.2596, -71.8083),
    "RI": (41.6809, -71.5118),
    "MN": (44.9778, -93.2650),
    "KY": (38.2527, -85.7585),
}
DEFAULT = (41.8, -72.0)


def coordinates(city: str, state: str, key: str) -> tuple[float, float]:
    """A deterministic point near the city (or state) centre for the address named by ``key``."""
    lat, lon = CITIES.get((city.upper(), state.upper())) or STATES.get(state.upper(), DEFAULT)
    spread = 0.01 if (city.upper(), state.upper()) in CITIES else 0.15
    digest = hashlib.sha256(key.encode()).digest()
    d_lat = (digest[0] / 255 - 0.5) * 2 * spread
    d_lon = (digest[1] / 255 - 0.5) * 2 * spread
    return round(lat + d_lat, 6), round(lon + d_lon, 6)


def boundary(state: str, half_size: float = 0.7) -> str:
    """A rough GeoJSON square around a state's centre (coverage-area boundary)."""
    lat, lon = STATES.get(state, DEFAULT)
    ring = [
        [round(lon - half_size, 4), round(lat - half_size / 2, 4)],
        [round(lon + half_size, 4), round(lat - half_size / 2, 4)],
        [round(lon + half_size, 4), round(lat + half_size / 2, 4)],
        [round(lon - half_size, 4), round(lat + half_size / 2, 4)],
        [round(lon - half_size, 4), round(lat - half_size / 2, 4)],
    ]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    feature = {"type": "Feature", "properties": {"state": state}, "geometry": geometry}
    return json.dumps(feature, separators=(",", ":"))
