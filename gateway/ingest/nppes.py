"""Convert the NPPES extract, NUCC taxonomy and CT pharmacy list into our directory feed rows.

The rows are the JSON Lines formats of docs/feeds/providers.md, so NPPES data loads through
the same schemas and mappings as any plan feed (docs/feeds/nppes.md). Deterministic.
NPPES file layout: https://download.cms.gov/nppes/NPI_Files.html
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.ingest.nppes_geography import coordinates

Row = dict[str, Any]
NUCC = "http://nucc.org/provider-taxonomy"
V2_0360 = "http://terminology.hl7.org/CodeSystem/v2-0360"
PRACTICE = "Practice Location Address"
PRACTITIONERS_FILE = "sample-nppes-practitioner_20181204-data.csv"
ORGANIZATIONS_FILE = "sample-nppes-organization-data.csv"
PHARMACIES_FILE = "ct_pharmacies.csv"
TAXONOMY_FILE = "nucc_provider_taxonomy.csv"
# NPPES credential text -> v2-0360 degree code (others use the NUCC taxonomy as the code).
DEGREES = {"MD": "MD", "DO": "DO", "NP": "NP", "APRN": "NP", "PA": "PA", "PAC": "PA", "RN": "RN"}
DEGREES |= {"PHD": "PHD", "PHARMD": "PharmD", "CNM": "CNM", "RPH": "RPH"}
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("zh", "Chinese"),
    ("fr", "French"),
    ("vi", "Vietnamese"),
    ("it", "Italian"),
)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """One NUCC taxonomy code."""

    code: str
    display: str
    grouping: str
    classification: str


def read_taxonomy(path: Path) -> dict[str, Taxonomy]:
    """The NUCC taxonomy CSV as a code -> entry table."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {
            row["Code"]: Taxonomy(
                row["Code"],
                row["Display Name"] or row["Classification"],
                row["Grouping"],
                row["Classification"],
            )
            for row in csv.DictReader(handle)
        }


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV file, streamed."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


def active_rows(path: Path) -> Iterator[dict[str, str]]:
    """NPPES rows of NPIs that are not deactivated (a directory lists active providers only)."""
    return (row for row in read_csv(path) if not row["NPI Deactivation Date"])


def digest(key: str) -> int:
    """A stable pseudo-random number for ``key`` (deterministic choices without a RNG)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def phone(raw: str) -> str:
    """``8607144820`` -> ``860-714-4820``; other shapes are kept."""
    digits = "".join(c for c in raw if c.isdigit())
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else raw.strip()


def postal_code(raw: str) -> str:
    """A 5 or 9 digit ZIP (``061051208`` -> ``06105-1208``; leading zeros restored)."""
    digits = "".join(c for c in raw if c.isdigit())
    if len(digits) <= 5:
        return digits.zfill(5)
    return f"{digits[:5]}-{digits[5:9]}" if len(digits) == 9 else digits[:5]


def address(lines: Iterable[str], city: str, state: str, zip_code: str, key: str) -> Row:
    """An address row with deterministic coordinates."""
    lat, lon = coordinates(city, state, key)
    return {
        "lines": [line.strip().title() for line in lines if line.strip()],
        "city": city.strip().title(),
        "state": state.strip().upper(),
        "postal_code": postal_code(zip_code),
        "latitude": lat,
        "longitude": lon,
    }


def practice_address(row: dict[str, str], key: str) -> Row:
    """The practice location address of an NPPES row."""
    return address(
        (
            row[f"Provider First Line Business {PRACTICE}"],
            row[f"Provider Second Line Business {PRACTICE}"],
        ),
        row[f"Provider Business {PRACTICE} City Name"],
        row[f"Provider Business {PRACTICE} State Name"],
        row[f"Provider Business {PRACTICE} Postal Code"],
        key,
    )


def practice_phone(row: dict[str, str]) -> str:
    """The practice phone, else the mailing phone."""
    return phone(
        row[f"Provider Business {PRACTICE} Telephone Number"]
        or row["Provider Business Mailing Address Telephone Number"]
    )


def location_key(addr: Row) -> str:
    """The source key of the Location at an address (providers at one address share it)."""
    text = "|".join([*addr["lines"], addr["postal_code"][:5]]).upper()
    return "loc-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def taxonomies(row: dict[str, str]) -> list[tuple[str, str, str, bool]]:
    """``(code, license, license_state, primary)`` for each taxonomy slot, primary first."""
    found = []
    for i in range(1, 16):
        code = row.get(f"Healthcare Provider Taxonomy Code_{i}", "")
        if code:
            found.append(
                (
                    code,
                    row.get(f"Provider License Number_{i}", ""),
                    row.get(f"Provider License Number State Code_{i}", ""),
                    row.get(f"Healthcare Provider Primary Taxonomy Switch_{i}") == "Y",
                )
            )
    return sorted(found, key=lambda t: not t[3])


def nppes_date(raw: str) -> str | None:
    """``05/23/2005`` -> ``2005-05-23``."""
    if not raw:
        return None
    month, day, year = raw.split("/")
    return f"{year}-{month}-{day}"


def code_row(taxonomy: dict[str, Taxonomy], code: str) -> Row:
    """A NUCC code row with its display name."""
    entry = taxonomy.get(code)
    return {"system": NUCC, "code": code, "display": entry.display if entry else None}


def practitioner_row(row: dict[str, str], taxonomy: dict[str, Taxonomy]) -> Row:
    """One ``practitioners.jsonl`` row from an NPPES individual (entity type 1)."""
    npi = row["NPI"]
    given = [n.title() for n in (row["Provider First Name"], row["Provider Middle Name"]) if n]
    gender = {"M": "male", "F": "female"}.get(row["Provider Gender Code"])
    return {
        "npi": npi,
        "family": row["Provider Last Name (Legal Name)"].title(),
        "given": given or ["Unknown"],
        "prefix": row["Provider Name Prefix Text"] or None,
        "suffix": row["Provider Credential Text"] or None,
        "gender": gender,
        "phone": practice_phone(row),
        "address": practice_address(row, npi),
        "active": True,
        "languages": languages(npi),
        "qualifications": qualifications(row, taxonomy),
    }


def languages(npi: str) -> list[Row]:
    """English for everyone, and for some a second language (deterministic by NPI)."""
    spoken = [{"code": "en", "display": "English", "proficiency": "50"}]
    pick = digest(npi + "lang")
    if pick % 3 == 0:
        code, display = LANGUAGES[pick // 3 % len(LANGUAGES)]
        spoken.append(
            {"code": code, "display": display, "proficiency": ("30", "40", "50")[pick % 3 and 1]}
        )
    return spoken


def qualifications(row: dict[str, str], taxonomy: dict[str, Taxonomy]) -> list[Row]:
    """The state license of each taxonomy slot that has one (degree code when known)."""
    credential = "".join(c for c in row["Provider Credential Text"].upper() if c.isalpha())
    degree = DEGREES.get(credential)
    result = []
    for code, license_number, state, primary in taxonomies(row):
        if not license_number or len(state) != 2:
            continue
        coded = (
            {"system": V2_0360, "code": degree, "display": None}
            if degree and primary
            else code_row(taxonomy, code)
        )
        result.append(
            {
                "code": coded,
                "issuer": f"{state} state licensing board",
                "status": "active",
                "identifier": license_number,
                "start": nppes_date(row["Provider Enumeration Date"]),
                "where_valid": state,
            }
        )
    return result


def organization_row(row: dict[str, str], taxonomy: dict[str, Taxonomy]) -> Row:
    """One ``organizations.jsonl`` row from an NPPES organization (entity type 2)."""
    npi = row["NPI"]
    primary = taxonomies(row)[0][0] if taxonomies(row) else ""
    is_facility = primary.startswith(("28", "27", "31"))
    official = " ".join(
        n.title()
        for n in (row["Authorized Official First Name"], row["Authorized Official Last Name"])
        if n
    )
    other = row["Provider Other Organization Name"]
    return {
        "key": npi,
        "npi": npi,
        "name": row["Provider Organization Name (Legal Business Name)"].title(),
        "aliases": [other.title()] if other else [],
        "org_type": "fac" if is_facility else "prvgrp",
        "phone": practice_phone(row),
        "address": practice_address(row, npi),
        "contact": {"name": official, "phone": phone(row["Authorized Official Telephone Number"])}
        if official
        else None,
        "description": taxonomy[primary].display if primary in taxonomy else None,
    }


def write_jsonl(path: Path, rows: Iterable[Row]) -> int:
    """Write rows as JSON Lines (None values dropped); the number written."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(
                json.dumps({k: v for k, v in row.items() if v is not None}, sort_keys=True)
            )
            handle.write("\n")
            count += 1
    return count


def location_row(addr: Row, phone_number: str, type_code: str = "OF") -> Row:
    """The ``locations.jsonl`` row of a practice address."""
    name = f"{addr['lines'][0]}, {addr['city']}" if addr["lines"] else addr["city"]
    return {
        "key": location_key(addr),
        "name": name,
        "type_code": type_code,
        "address": addr,
        "phone": phone_number,
    }


def convert(source: Path, out_dir: Path) -> dict[str, int]:
    """Write practitioners, organizations and locations feed files from the NPPES sample."""
    from gateway.ingest.nppes_pharmacies import pharmacy_rows

    taxonomy = read_taxonomy(source / TAXONOMY_FILE)
    out_dir.mkdir(parents=True, exist_ok=True)
    people = [practitioner_row(r, taxonomy) for r in active_rows(source / PRACTITIONERS_FILE)]
    orgs = [organization_row(r, taxonomy) for r in read_csv(source / ORGANIZATIONS_FILE)]
    pharmacies = list(pharmacy_rows(source / PHARMACIES_FILE))
    places: dict[str, Row] = {}
    for item in [*people, *orgs]:
        place = location_row(item["address"], item["phone"])
        places.setdefault(place["key"], place)
    for _org, place in pharmacies:
        places.setdefault(place["key"], place)
    return {
        "practitioners": write_jsonl(out_dir / "practitioners.jsonl", people),
        "organizations": write_jsonl(
            out_dir / "organizations.jsonl", [*orgs, *(org for org, _ in pharmacies)]
        ),
        "locations": write_jsonl(out_dir / "locations.jsonl", places.values()),
    }
