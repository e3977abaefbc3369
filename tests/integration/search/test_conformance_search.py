"""CONFORMANCE.md 2.2-2.5, item by item: how the test kits derive values and judge results.

Each case names its item. Rows list exactly the ids that must match (every other resource
of the type must not). Items already covered elsewhere are listed at the end of the module
with the test that covers them, so the whole section is accounted for.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.search.conftest import Search, dataset, ids

pytestmark = pytest.mark.integration

LOINC = "http://loinc.org"
OTHER = "http://other.example.org/fhir"


def _cc(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


RESOURCES: list[dict[str, Any]] = [
    {
        "resourceType": "Practitioner",
        "id": "doc",
        "name": [{"prefix": ["Dr."], "given": ["Ada"], "family": "Lovelace", "suffix": ["Jr"]}],
        "address": [
            {"text": "1 Main St, Hartford", "city": "Hartford", "state": "CT", "country": "US"}
        ],
    },
    {
        "resourceType": "Practitioner",
        "id": "street",
        "address": [{"line": ["9 Boston Post Rd"], "district": "Boston Hills", "city": "Orange"}],
    },
    {
        "resourceType": "Practitioner",
        "id": "nurse",
        "name": [{"text": "Grace Hopper"}],
        "address": [{"postalCode": "06103", "city": "Boston"}],
    },
    {"resourceType": "Organization", "id": "acme-inc", "name": "Acme, Inc."},
    {"resourceType": "InsurancePlan", "id": "plan-gold", "name": "Gold HMO", "alias": ["Aurum"]},
    {"resourceType": "InsurancePlan", "id": "plan-silver", "name": "Silver PPO"},
    {"resourceType": "Organization", "id": "acme-health", "name": "Acme Health"},
    {
        "resourceType": "Encounter",
        "id": "enc-period",
        "status": "finished",
        "class": {"code": "AMB"},
        "period": {"start": "2019-01-01T09:00:00Z", "end": "2019-01-01T10:00:00Z"},
        "participant": [{"individual": {"reference": "Practitioner/doc"}}],
    },
    {
        "resourceType": "Encounter",
        "id": "enc-end-only",
        "status": "finished",
        "class": {"code": "AMB"},
        "period": {"end": "2019-06"},
        "participant": [{"individual": {"reference": f"{OTHER}/Practitioner/doc"}}],
    },
    {
        "resourceType": "Observation",
        "id": "obs-instant",
        "status": "final",
        "code": _cc(LOINC, "8302-2"),
        "effectiveDateTime": "2019-03-04T10:00:00-05:00",
    },
    {
        "resourceType": "Observation",
        "id": "obs-day",
        "status": "final",
        "code": _cc(LOINC, "8302-2"),
        "effectiveDateTime": "2019-03-04",
    },
    {"resourceType": "Medication", "id": "med-ext", "code": _cc("urn:rx", "1")},
    {"resourceType": "Medication", "id": "med-unused", "code": _cc("urn:rx", "2")},
    {
        "resourceType": "MedicationRequest",
        "id": "mr-ref",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p"},
        "medicationReference": {"reference": "Medication/med-ext"},
    },
    {
        "resourceType": "MedicationRequest",
        "id": "mr-contained",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/p"},
        "contained": [{"resourceType": "Medication", "id": "m", "code": _cc("urn:rx", "3")}],
        "medicationReference": {"reference": "#m"},
    },
    {"resourceType": "Patient", "id": "p"},
]


search_engine = dataset(RESOURCES)


CASES: list[tuple[str, str, list[tuple[str, str]], set[str]]] = [
    # 2.2 Reference: the literal reference as stored, relative or absolute; 2.4 exact match
    ("2.2-ref-relative", "Encounter", [("practitioner", "Practitioner/doc")], {"enc-period"}),
    (
        "2.2-ref-absolute-other",
        "Encounter",
        [("practitioner", f"{OTHER}/Practitioner/doc")],
        {"enc-end-only"},
    ),
    (
        "2.2-ref-our-base",
        "Encounter",
        [("practitioner", "http://localhost/fhir/Practitioner/doc")],
        {"enc-period"},
    ),
    # 2.2 CodeableConcept: code, system|code; 2.4 code case-insensitive, system case-sensitive
    ("2.4-code-ci", "Observation", [("code", "8302-2")], {"obs-instant", "obs-day"}),
    ("2.4-system-case-sensitive", "Observation", [("code", "HTTP://LOINC.ORG|8302-2")], set()),
    # 2.2 HumanName: family, else given, else text;
    # 2.4 starts-with on text, family, given, prefix, suffix
    ("2.4-name-family", "Practitioner", [("name", "love")], {"doc"}),
    ("2.4-name-given", "Practitioner", [("name", "ADA")], {"doc"}),
    ("2.4-name-text", "Practitioner", [("name", "grace h")], {"nurse"}),
    ("2.4-name-prefix", "Practitioner", [("name", "dr")], {"doc"}),
    ("2.4-name-suffix", "Practitioner", [("name", "jr")], {"doc"}),
    ("2.4-name-not-inside", "Practitioner", [("name", "velace")], set()),
    # 2.4 string on a Plan-Net parameter written relative to the resource (name | alias)
    ("2.4-plannet-name", "InsurancePlan", [("name", "gold")], {"plan-gold"}),
    ("2.4-plannet-alias", "InsurancePlan", [("name", "aur")], {"plan-gold"}),
    # 2.2 Address: text, city, state, postalCode, country; 2.4 starts-with on each
    ("2.4-address-text", "Practitioner", [("address", "1 main")], {"doc"}),
    ("2.4-address-city", "Practitioner", [("address", "bost")], {"nurse"}),
    ("2.4-address-state", "Practitioner", [("address", "ct")], {"doc"}),
    ("2.4-address-postal", "Practitioner", [("address", "0610")], {"nurse"}),
    ("2.4-address-country", "Practitioner", [("address", "us")], {"doc"}),
    ("2.4-address-not-line", "Practitioner", [("address", "9 boston")], set()),
    ("2.4-address-city-not-street", "Practitioner", [("address", "boston")], {"nurse"}),
    # 2.2 Period: gt(start - 1 day) as xmlschema, '+' encoded or arriving as a space;
    # 2.4 gt compares the ends, so an open start with a later end matches too
    (
        "2.2-period-gt",
        "Encounter",
        [("date", "gt2018-12-31T00:00:00+00:00")],
        {"enc-period", "enc-end-only"},
    ),
    (
        "2.2-period-gt-space",
        "Encounter",
        [("date", "gt2018-12-31T00:00:00 00:00")],
        {"enc-period", "enc-end-only"},
    ),
    # 2.2 Period without start: lt(end-of-precision(end) + 1 day); the open start matches too
    (
        "2.2-period-no-start",
        "Encounter",
        [("date", "lt2019-07-01T00:00:00+00:00")],
        {"enc-end-only", "enc-period"},
    ),
    # 2.2 full-precision dateTime sent as equality: range-based eq, time zones honoured
    ("2.2-instant-eq", "Observation", [("date", "2019-03-04T10:00:00-05:00")], {"obs-instant"}),
    ("2.2-instant-eq-utc", "Observation", [("date", "2019-03-04T15:00:00+00:00")], {"obs-instant"}),
    ("2.2-day-gt", "Observation", [("date", "gt2019-03-03")], {"obs-instant", "obs-day"}),
    # 2.2 commas inside values are escaped as \,
    ("2.2-escaped-comma", "Organization", [("name", r"Acme\, Inc")], {"acme-inc"}),
    (
        "2.2-unescaped-comma-is-or",
        "Organization",
        [("name", "Acme, Inc")],
        {"acme-inc", "acme-health"},
    ),
    # 2.2 fixed-value iteration / 2.5 multipleOr: every value 200, the union returned
    (
        "2.5-multiple-or",
        "MedicationRequest",
        [("intent", "proposal,plan,order")],
        {"mr-ref", "mr-contained"},
    ),
    ("2.2-fixed-value", "MedicationRequest", [("intent", "proposal")], set()),
    # 2.5 patient=Patient/id variant gives the same results as the bare id
    ("2.5-patient-bare", "MedicationRequest", [("patient", "p")], {"mr-ref", "mr-contained"}),
    (
        "2.5-patient-typed",
        "MedicationRequest",
        [("patient", "Patient/p")],
        {"mr-ref", "mr-contained"},
    ),
]


@pytest.mark.parametrize(("name", "rtype", "params", "expected"), CASES, ids=[c[0] for c in CASES])
def test_conformance_item(
    run: Search, name: str, rtype: str, params: list[tuple[str, str]], expected: set[str]
) -> None:
    assert ids(run(rtype, *params)) == expected


def test_include_medication_brings_only_referenced_medications(run: Search) -> None:
    """2.5 _include=MedicationRequest:medication: every included Medication is referenced;
    a contained ``#m`` needs no include and brings nothing."""
    found = run("MedicationRequest", ("patient", "p"), ("_include", "MedicationRequest:medication"))
    assert ids(found) == {"mr-ref", "mr-contained"}
    assert ids(found, "include") == {"med-ext"}


# Covered elsewhere:
# 2.2 Identifier value / system|value, 2.4 Identifier exact: test_parameters identifier-*.
# 2.2 Reference on [base]/Patient/id, 2.4 patient refs: test_parameters ref-*.
# 2.3 GET 200 Bundle, POST == GET (2.5): test_http.test_get_and_post_search_give_the_same_results.
# 2.3 paging with absolute next links followed verbatim: test_http.test_next_link_works_verbatim,
#     test_results.test_next_links_visit_every_match_once_in_pages_of_count.
# 2.3 400 with an OperationOutcome: test_http.test_malformed_value_is_400_operation_outcome.
# 2.4 date/dateTime/Period semantics, every prefix, 2.5 comparators gt/ge/lt/le:
#     test_date_properties (a model of 2.4 against SQL), test_parameters date-*.
# 2.5 system|code variant: test_parameters token-system-code, identifier-system-value.


def test_last_updated_equals_the_raw_meta_instant(run: Search) -> None:
    """Plan-Net 5.3 (the 2.2 rule for full-precision values): ``_lastUpdated=<meta.lastUpdated>``
    finds the resource, with the ``+`` of the zone encoded or arriving as a space."""
    stored = run("Practitioner", ("_id", "doc"))["entry"][0]["resource"]
    instant = stored["meta"]["lastUpdated"]
    assert ids(run("Practitioner", ("_lastUpdated", instant))) >= {"doc"}
    assert ids(run("Practitioner", ("_lastUpdated", instant.replace("+", " ")))) >= {"doc"}
    assert "doc" not in ids(run("Practitioner", ("_lastUpdated", f"gt{instant}")))
