"""The Connecticut pharmacy list (``ct_pharmacies.csv``) as organization and location rows.

The list has no NPIs, so each pharmacy gets a deterministic NPI-shaped number with a valid
check digit (documented in docs/feeds/nppes.md); its coordinates come from the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from gateway.ingest.feeds.providers_fields import npi_check_digit
from gateway.ingest.nppes import Row, address, digest, location_key, phone, read_csv

POINT = re.compile(r"\((-?\d+\.\d+),\s*(-?\d+\.\d+)\)")


def synthetic_npi(seed: str) -> str:
    """A deterministic NPI-shaped number with a valid check digit (pharmacies lack one).

    The ``29`` prefix keeps them apart from the sample's real NPIs (none starts with 29).
    """
    body = "29" + str(digest(seed) % 10**7).zfill(7)
    return body + npi_check_digit(body)


def pharmacy_rows(path: Path) -> Iterator[tuple[Row, Row]]:
    """``(organization, location)`` rows for each CT pharmacy, with the file's coordinates."""
    for row in read_csv(path):
        npi = synthetic_npi("pharmacy:" + row["CredentialId"])
        addr = address([row["Address"]], row["City"], row["State"], row["Zip"], npi)
        point = POINT.search(row["Location"])
        if point:
            addr["latitude"], addr["longitude"] = float(point[1]), float(point[2])
        org: Row = {
            "key": npi,
            "npi": npi,
            "name": row["Pharmacy-Name"].title(),
            "org_type": "fac",
            "phone": phone(row["Phone"]) if sum(c.isdigit() for c in row["Phone"]) >= 10 else None,
            "address": addr,
            "qualifications": [],
        }
        yield (
            org,
            {"key": location_key(addr), "name": org["name"], "type_code": "PHARM", "address": addr},
        )
