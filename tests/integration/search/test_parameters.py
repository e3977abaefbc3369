"""Parameter semantics, table-driven: each row lists exactly the ids that must match.

Every other resource of the type must NOT match, so each row is also a negative test.
https://hl7.org/fhir/R4/search.html ; CONFORMANCE 2.4.
"""

from __future__ import annotations

import pytest

from tests.integration.search.conftest import Search, ids

pytestmark = pytest.mark.integration

CASES: list[tuple[str, str, list[tuple[str, str]], set[str]]] = [
    # string: case- and accent-insensitive starts-with; :exact; :contains; HumanName parts
    ("string-prefix-accent", "Patient", [("name", "mull")], {"pat-ann"}),
    ("string-given", "Patient", [("name", "MARIE")], {"pat-ann"}),
    ("string-prefix-several", "Patient", [("family", "smith")], {"pat-bob", "pat-cy"}),
    ("string-exact", "Patient", [("family:exact", "Smith")], {"pat-bob"}),
    ("string-exact-case", "Patient", [("family:exact", "smith")], set()),
    ("string-contains", "Patient", [("family:contains", "ITHS")], {"pat-cy"}),
    ("string-or", "Patient", [("family", "jones,müller")], {"pat-ann"}),
    ("string-and", "Patient", [("name", "smith"), ("name", "cy")], {"pat-cy"}),
    ("string-address", "Patient", [("address-city", "bost")], {"pat-ann"}),
    ("string-alias", "Organization", [("name", "acme")], {"org-1"}),
    ("string-missing", "Patient", [("given:missing", "true")], {"pat-cy"}),
    # token: code case-insensitive, system|code, |code, system|, identifiers exact
    ("token-code", "Patient", [("gender", "MALE")], {"pat-bob"}),
    ("token-or", "Patient", [("gender", "male,other")], {"pat-bob", "pat-cy"}),
    ("token-not", "Patient", [("gender:not", "male")], {"pat-ann", "pat-cy"}),
    ("token-system-code", "Observation", [("code", "http://loinc.org|8302-2")], {"obs-1"}),
    ("token-system-code-ci", "Observation", [("code", "urn:other|local-code")], {"obs-3"}),
    ("token-wrong-system", "Observation", [("code", "urn:other|8302-2")], set()),
    ("token-system-only", "Observation", [("code", "http://loinc.org|")], {"obs-1", "obs-2"}),
    ("token-no-system", "Observation", [("status", "|final")], {"obs-1", "obs-3"}),
    ("token-text", "Observation", [("code:text", "body w")], {"obs-2"}),
    ("token-cc-text", "Observation", [("category:text", "lab")], {"obs-2"}),
    ("identifier-value", "Patient", [("identifier", "MRN-1")], {"pat-ann"}),
    ("identifier-exact-case", "Patient", [("identifier", "mrn-1")], set()),
    ("identifier-system-value", "Patient", [("identifier", "urn:mrn|mrn-2")], {"pat-bob"}),
    (
        "identifier-of-type",
        "Patient",
        [("identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|MRN-1")],
        {"pat-ann"},
    ),
    ("token-boolean", "Patient", [("active", "true")], {"pat-ann"}),
    ("token-contactpoint", "Patient", [("phone", "555-1000")], {"pat-ann"}),
    ("token-missing-false", "Patient", [("identifier:missing", "false")], {"pat-ann", "pat-bob"}),
    ("token-escaped-comma", "Patient", [("identifier", r"MRN-1\,x")], set()),
    # reference: id, Type/id, absolute on our base, :Type, :identifier-free, other base
    ("ref-id", "ExplanationOfBenefit", [("patient", "pat-ann")], {"eob-1"}),
    ("ref-type-id", "ExplanationOfBenefit", [("patient", "Patient/pat-bob")], {"eob-2", "eob-3"}),
    (
        "ref-absolute",
        "ExplanationOfBenefit",
        [("patient", "http://localhost/fhir/Patient/pat-ann")],
        {"eob-1"},
    ),
    ("ref-stored-absolute", "Observation", [("subject", "Patient/pat-bob")], {"obs-2"}),
    ("ref-type-modifier", "ExplanationOfBenefit", [("provider:Organization", "org-2")], {"eob-2"}),
    ("ref-wrong-type", "ExplanationOfBenefit", [("provider", "Organization/prac-1")], set()),
    ("ref-missing", "ExplanationOfBenefit", [("coverage:missing", "true")], {"eob-2"}),
    ("ref-resolve-filter", "Observation", [("patient", "pat-ann")], {"obs-1", "obs-3"}),
    # date: every prefix, Period, open ends, partial dates, time zones (CONFORMANCE 2.4)
    ("date-eq-day", "Patient", [("birthdate", "1990-02-03")], {"pat-ann"}),
    ("date-eq-year-contains", "Patient", [("birthdate", "1980")], {"pat-bob", "pat-cy"}),
    ("date-eq-month", "Patient", [("birthdate", "1980-06")], {"pat-cy"}),
    ("date-ne", "Patient", [("birthdate", "ne1980")], {"pat-ann"}),
    ("date-gt", "Patient", [("birthdate", "gt1980-06-15")], {"pat-ann", "pat-bob", "pat-cy"}),
    ("date-gt-end", "Patient", [("birthdate", "gt1980-12-31")], {"pat-ann"}),
    ("date-lt", "Patient", [("birthdate", "lt1980-03-01")], {"pat-bob"}),
    ("date-ge", "Patient", [("birthdate", "ge1990-02-03")], {"pat-ann"}),
    ("date-le", "Patient", [("birthdate", "le1980-06")], {"pat-bob", "pat-cy"}),
    ("date-sa", "Patient", [("birthdate", "sa1980-12-31")], {"pat-ann"}),
    ("date-eb", "Patient", [("birthdate", "eb1980-07-01")], {"pat-cy"}),
    ("date-ap", "Patient", [("birthdate", "ap1980-06-10")], {"pat-bob", "pat-cy"}),
    ("date-instant-tz", "Observation", [("date", "2024-03-04T10:00:00-05:00")], {"obs-1"}),
    ("date-instant-utc", "Observation", [("date", "2024-03-04T15:00:00Z")], {"obs-1"}),
    ("date-plus-as-space", "Observation", [("date", "2024-03-04T20:30:00 05:30")], {"obs-1"}),
    ("date-instant-other", "Observation", [("date", "2024-03-04T10:00:00Z")], set()),
    ("date-period-eq", "Observation", [("date", "2024-01")], {"obs-2"}),
    ("date-period-inside-not-eq", "Observation", [("date", "2024-01-10")], set()),
    ("date-period-ap", "Observation", [("date", "ap2024-01-10")], {"obs-2"}),
    ("date-year-value", "Observation", [("date", "lt2024")], {"obs-3"}),
    ("date-open-end-gt", "ExplanationOfBenefit", [("service-date", "gt2030-01-01")], {"eob-2"}),
    (
        "date-period-gt",
        "ExplanationOfBenefit",
        [("service-date", "gt2024-01-10")],
        {"eob-1", "eob-2"},
    ),
    (
        "date-and-range",
        "ExplanationOfBenefit",
        [("service-date", "ge2024-01-01"), ("service-date", "le2024-01-31")],
        {"eob-1"},
    ),
    (
        "date-item-serviced",
        "ExplanationOfBenefit",
        [("service-start-date", "2024-02-03")],
        {"eob-2"},
    ),
    ("date-missing", "ExplanationOfBenefit", [("service-date:missing", "true")], {"eob-3"}),
    ("date-deceased", "Patient", [("death-date", "2020-05-01")], {"pat-bob"}),
    # number with implied precision, every prefix
    ("number-eq", "RiskAssessment", [("probability", "0.2")], {"ra-1"}),
    ("number-precision", "RiskAssessment", [("probability", "0.8")], {"ra-2"}),
    ("number-gt", "RiskAssessment", [("probability", "gt0.5")], {"ra-2"}),
    ("number-le", "RiskAssessment", [("probability", "le0.2")], {"ra-1"}),
    ("number-ne", "RiskAssessment", [("probability", "ne0.20")], {"ra-2"}),
    ("number-ap", "RiskAssessment", [("probability", "ap0.21")], {"ra-1"}),
    # quantity with units
    ("quantity-value", "Observation", [("value-quantity", "172")], {"obs-1"}),
    (
        "quantity-units",
        "Observation",
        [("value-quantity", "gt80|http://unitsofmeasure.org|kg")],
        {"obs-2"},
    ),
    ("quantity-wrong-unit", "Observation", [("value-quantity", "gt80||cm")], {"obs-1"}),
    ("quantity-lt", "Observation", [("value-quantity", "lt100")], {"obs-2"}),
    # uri: exact, :below, :above
    (
        "uri-exact",
        "Questionnaire",
        [("url", "http://example.org/fhir/Questionnaire/phq-9")],
        {"q-1"},
    ),
    ("uri-below", "Questionnaire", [("url:below", "http://example.org/fhir/")], {"q-1", "q-2"}),
    (
        "uri-above",
        "Questionnaire",
        [("url:above", "http://example.org/fhir/Questionnaire/gad-7/extra")],
        {"q-2"},
    ),
    (
        "ref-identifier",
        "Encounter",
        [("service-provider:identifier", "urn:npi|1234567893")],
        {"enc-1"},
    ),
    (
        "ref-identifier-other-system",
        "Encounter",
        [("service-provider:identifier", "urn:x|1234567893")],
        set(),
    ),
    (
        "profile",
        "Encounter",
        [("_profile", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter")],
        {"enc-1"},
    ),
    ("tag", "Encounter", [("_tag", "urn:tags|demo")], {"enc-1"}),
    ("tag-missing", "Encounter", [("_tag:missing", "true")], {"enc-2"}),
    ("source", "Encounter", [("_source", "urn:feed:ehr-1")], {"enc-1"}),
    ("token-coding", "Encounter", [("class", "IMP")], {"enc-2"}),
    # composite on the resource itself: both components must hold
    (
        "composite",
        "Observation",
        [("code-value-quantity", "http://loinc.org|8302-2$gt170")],
        {"obs-1"},
    ),
    ("composite-value-fails", "Observation", [("code-value-quantity", "8302-2$lt170")], set()),
    ("composite-pair-mismatch", "Observation", [("code-value-quantity", "29463-7$172")], set()),
    (
        "composite-or",
        "Observation",
        [("code-value-quantity", "8302-2$172,29463-7$ge80")],
        {"obs-1", "obs-2"},
    ),
    # _id, _lastUpdated, chains, reverse chains
    ("id", "Patient", [("_id", "pat-ann,pat-cy")], {"pat-ann", "pat-cy"}),
    (
        "last-updated",
        "Patient",
        [("_lastUpdated", "gt2000-01-01")],
        {"pat-ann", "pat-bob", "pat-cy"},
    ),
    ("last-updated-future", "Patient", [("_lastUpdated", "ge2999")], set()),
    ("chain", "ExplanationOfBenefit", [("patient.name", "smith")], {"eob-2", "eob-3"}),
    (
        "chain-identifier",
        "ExplanationOfBenefit",
        [("patient.identifier", "urn:mrn|MRN-1")],
        {"eob-1"},
    ),
    ("chain-typed", "ExplanationOfBenefit", [("provider:Practitioner.name", "jones")], {"eob-1"}),
    ("chain-two-levels", "PractitionerRole", [("location.organization.name", "acme")], {"role-1"}),
    ("chain-directory", "PractitionerRole", [("location.address-city", "Boston")], {"role-1"}),
    ("has", "Patient", [("_has:ExplanationOfBenefit:patient:status", "cancelled")], {"pat-bob"}),
    (
        "has-chain-value",
        "Practitioner",
        [("_has:PractitionerRole:practitioner:specialty", "207Q00000X")],
        {"prac-1"},
    ),
    (
        "has-nested",
        "Organization",
        [("_has:Coverage:payor:_has:ExplanationOfBenefit:coverage:status", "active")],
        {"org-1"},
    ),
    (
        "has-nested-none",
        "Organization",
        [("_has:Coverage:payor:_has:ExplanationOfBenefit:coverage:status", "cancelled")],
        set(),
    ),
]


@pytest.mark.parametrize(
    ("rtype", "params", "expected"),
    [pytest.param(t, p, e, id=name) for name, t, p, e in CASES],
)
def test_search_parameter_matches_exactly(
    run: Search, rtype: str, params: list[tuple[str, str]], expected: set[str]
) -> None:
    assert ids(run(rtype, *params, ("_count", "100"))) == expected


def test_same_shape_with_other_values_gives_other_results(run: Search) -> None:
    assert ids(run("Patient", ("gender", "male"), ("name", "smi"))) == {"pat-bob"}
    assert ids(run("Patient", ("gender", "other"), ("name", "smi"))) == {"pat-cy"}
    assert ids(run("Patient", ("gender", "female"), ("name", "smi"))) == set()


def test_same_chain_shape_with_other_values_gives_other_results(run: Search) -> None:
    assert ids(run("ExplanationOfBenefit", ("patient.name", "smith"))) == {"eob-2", "eob-3"}
    assert ids(run("ExplanationOfBenefit", ("patient.name", "mull"))) == {"eob-1"}
    has = "_has:ExplanationOfBenefit:patient:status"
    assert ids(run("Patient", (has, "active"))) == {"pat-ann", "pat-bob"}
    assert ids(run("Patient", (has, "cancelled"))) == {"pat-bob"}
