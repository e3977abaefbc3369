"""NPPES field conversions: phones, ZIP codes, NPI check digits, coordinates, role codes."""

from __future__ import annotations

import pytest

from gateway.ingest.demo.network_roles import role_code
from gateway.ingest.feeds.providers_fields import npi_check_digit
from gateway.ingest.nppes import Taxonomy, nppes_date, phone, postal_code
from gateway.ingest.nppes_geography import coordinates
from gateway.ingest.nppes_pharmacies import synthetic_npi

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8607144820", "860-714-4820"),
        ("(203) 9347100", "203-934-7100"),
        ("18885455205", "888-545-5205"),
    ],
)
def test_phone_is_normalised(raw: str, expected: str) -> None:
    assert phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("061051208", "06105-1208"), ("2101", "02101"), ("06798-3736", "06798-3736")],
)
def test_postal_code_gets_leading_zero_and_dash(raw: str, expected: str) -> None:
    assert postal_code(raw) == expected


def test_npi_check_digit_matches_real_npis() -> None:
    for npi in ("1255334207", "1740283779", "1982607537"):
        assert npi_check_digit(npi[:9]) == npi[9]


def test_synthetic_pharmacy_npi_is_stable_and_checked() -> None:
    npi = synthetic_npi("pharmacy:204631")
    assert npi == synthetic_npi("pharmacy:204631")
    assert npi.startswith("29")
    assert npi_check_digit(npi[:9]) == npi[9]


def test_coordinates_are_near_the_city_and_deterministic() -> None:
    lat, lon = coordinates("Hartford", "CT", "1255334207")
    assert (lat, lon) == coordinates("HARTFORD", "ct", "1255334207")
    assert abs(lat - 41.7658) <= 0.01
    assert abs(lon + 72.6734) <= 0.01


def test_unknown_city_falls_back_to_the_state_centre() -> None:
    lat, lon = coordinates("Nowhere", "RI", "key")
    assert abs(lat - 41.6809) <= 0.15
    assert abs(lon + 71.5118) <= 0.15


def test_nppes_date_becomes_iso() -> None:
    assert nppes_date("05/23/2005") == "2005-05-23"
    assert nppes_date("") is None


@pytest.mark.parametrize(
    ("grouping", "classification", "expected"),
    [
        ("Allopathic & Osteopathic Physicians", "Internal Medicine", "ph"),
        ("Physician Assistants & Advanced Practice Nursing Providers", "Physician Assistant", "pa"),
        ("Physician Assistants & Advanced Practice Nursing Providers", "Nurse Practitioner", "apn"),
        ("Dental Providers", "Dentist", "de"),
        ("Other Service Providers", "Specialist", "os"),
    ],
)
def test_role_code_from_nucc_taxonomy(grouping: str, classification: str, expected: str) -> None:
    assert role_code(Taxonomy("X", "x", grouping, classification)) == expected
