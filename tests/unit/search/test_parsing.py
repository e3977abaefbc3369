"""Pure parsing: dates, numbers, tokens, references, escapes, expressions, page tokens."""

from __future__ import annotations

import pytest

from gateway.errors import InvalidSearch
from gateway.search import paging, terms
from gateway.search.dates import DateFormatError, date_range
from gateway.search.expressions import compile_expression, split_union
from gateway.search.extract import extract

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("2024", "2024-01-01T00:00:00.000000", "2024-12-31T23:59:59.999999"),
        ("2024-02", "2024-02-01T00:00:00.000000", "2024-02-29T23:59:59.999999"),
        ("2024-12", "2024-12-01T00:00:00.000000", "2024-12-31T23:59:59.999999"),
        ("2024-03-04", "2024-03-04T00:00:00.000000", "2024-03-04T23:59:59.999999"),
        ("2024-03-04T10:00:00-05:00", "2024-03-04T15:00:00.000000", "2024-03-04T15:00:00.999999"),
        ("2024-03-04T10:00Z", "2024-03-04T10:00:00.000000", "2024-03-04T10:00:59.999999"),
        (
            "2024-03-04T10:00:00.12+01:00",
            "2024-03-04T09:00:00.120000",
            "2024-03-04T09:00:00.129999",
        ),
    ],
)
def test_date_range_covers_the_precision(value: str, low: str, high: str) -> None:
    assert date_range(value) == (low, high)


@pytest.mark.parametrize("value", ["2024-13", "24", "2024-02-30", "2024-01-01T25:00:00Z", "x"])
def test_bad_dates_are_refused(value: str) -> None:
    with pytest.raises(DateFormatError):
        date_range(value)


def test_number_precision_follows_the_digits() -> None:
    assert terms.number_term("100") == terms.NumberTerm("eq", 100.0, 99.5, 100.5)
    assert terms.number_term("gt1e2").prefix == "gt"
    assert terms.number_term("0.20").low == pytest.approx(0.195)


@pytest.mark.parametrize("value", ["abc", "gt", "xx5", "NaN"])
def test_bad_numbers_are_refused(value: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for the client
        terms.number_term(value)


def test_split_escaped_resolves_escapes() -> None:
    assert terms.split_escaped(r"a\,b,c\|d,e\\", ",") == ["a,b", "c|d", "e\\"]


def test_token_forms() -> None:
    assert terms.token_term("x") == terms.TokenTerm(None, "x")
    assert terms.token_term("s|x") == terms.TokenTerm("s", "x")
    assert terms.token_term("|x") == terms.TokenTerm("", "x")
    assert terms.token_term("s|") == terms.TokenTerm("s", None)
    assert terms.token_term("a|b|v", of_type=True) == terms.TokenTerm(None, "v", "a", "b")


def test_reference_forms() -> None:
    base = "https://gw.example/fhir"
    assert terms.reference_term("p1", base) == terms.ReferenceTerm(None, "p1", None, base)
    local = terms.ReferenceTerm("Patient", "p1", None, base)
    assert terms.reference_term("Patient/p1", base) == local
    assert terms.reference_term(f"{base}/Patient/p1", base) == local
    assert terms.reference_term("Patient/p1", "") == terms.ReferenceTerm("Patient", "p1", None)
    other = "https://other.example/fhir/Patient/p1"
    assert terms.reference_term(other, base) == terms.ReferenceTerm(None, None, other)


def test_union_split_respects_parentheses_and_quotes() -> None:
    parts = split_union("(A.b as C) | A.c.where(x='|') | A.d")
    assert parts == ["(A.b as C)", "A.c.where(x='|')", "A.d"]


def test_compile_choice_and_resolve_filter() -> None:
    steps = compile_expression("Observation.subject.where(resolve() is Patient)", "Observation")
    assert steps == [{"a": [["subject", "Reference"]], "r": "Patient"}]
    effective = compile_expression("Observation.effective", "Observation")
    assert effective is not None
    assert ["effectiveDateTime", "dateTime"] in effective[0]["a"]
    assert compile_expression("Patient.deceased.exists() and true", "Patient") is None


def test_extraction_indexes_only_the_resource_type_params() -> None:
    rows = extract("Patient", {"resourceType": "Patient", "id": "p", "gender": "male"})
    assert ("gender", None, "male", True, None, None, None) in rows.rows["token"]
    assert rows.patients == {"p"}


def test_extraction_reads_codes_of_nested_extensions() -> None:
    race = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
    body = {
        "resourceType": "Patient",
        "id": "p",
        "extension": [
            {
                "url": race,
                "extension": [
                    {
                        "url": "ombCategory",
                        "valueCoding": {
                            "system": "urn:oid:2.16.840.1.113883.6.238",
                            "code": "2106-3",
                        },
                    }
                ],
            }
        ],
    }
    tokens = extract("Patient", body).rows["token"]
    assert any(row[0] == "race" and row[2] == "2106-3" for row in tokens)


def test_page_token_round_trip_and_damage() -> None:
    token = paging.PageToken((("identifier", "M1"),), 42, True)
    text = paging.encode(token)
    assert "M1" not in text
    assert paging.decode(text) == token
    with pytest.raises(InvalidSearch):
        paging.decode(text[:-3] + "xyz")
