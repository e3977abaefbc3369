"""Index rows made from the resource as sent, then fixed up, equal those of the stored body."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.ingest.ehr.index_rows import prepared_rows, stand_in, stored_rows
from gateway.ingest.ehr.references import all_references, rewrite
from gateway.search.extract import IndexRows, extract

pytestmark = pytest.mark.unit

NPI = "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974493"
SOURCE = "urn:fhir-payer-gateway:ehr-feed:unit"

ENCOUNTER: dict[str, Any] = {
    "resourceType": "Encounter",
    "id": "e1",
    "meta": {"source": "https://ehr.example.org", "profile": ["http://example.org/p"]},
    "status": "finished",
    "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
    "subject": {"reference": "Patient/p1"},
    "participant": [
        {"individual": {"reference": NPI}},
        {"individual": {"reference": "Practitioner/pr1/_history/3"}},
        {"individual": {"reference": "Practitioner/pr1"}},
    ],
    "serviceProvider": {"reference": "Organization?identifier=urn:oid:1.2|77"},
    "location": [{"location": {"reference": "#loc"}}],
    "period": {"start": "2020-01-01T10:00:00Z"},
}
RESOLVED = {
    "Patient/p1": "Patient/member-1",
    NPI: "Practitioner/stored-npi",
    "Practitioner/pr1/_history/3": "Practitioner/stored-pr1",
    "Practitioner/pr1": "Practitioner/stored-pr1",
    "Organization?identifier=urn:oid:1.2|77": "Organization/stored-org",
}


def _stored_body(resource: dict[str, Any], resolved: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = rewrite(resource, lambda ref: resolved.get(ref, ref))
    body["id"] = "stored-e1"
    body["meta"] = {"profile": resource["meta"]["profile"], "source": SOURCE}
    return body


def _fixed(resource: dict[str, Any]) -> IndexRows:
    """The pipeline's rows: prepared from the resource as sent, then fixed up."""
    prepared = prepared_rows(resource, all_references(resource))
    return stored_rows(prepared, resource["resourceType"], RESOLVED, SOURCE)


def _normalised(rows: IndexRows) -> tuple[dict[str, list[tuple[Any, ...]]], set[str]]:
    kinds = {k: sorted(v, key=repr) for k, v in rows.rows.items() if v}
    return kinds, rows.patients


def test_fixed_rows_equal_the_rows_of_the_stored_body() -> None:
    fixed = stored_rows(
        prepared_rows(ENCOUNTER, all_references(ENCOUNTER)), "Encounter", RESOLVED, SOURCE
    )
    expected = extract("Encounter", _stored_body(ENCOUNTER, RESOLVED))
    assert _normalised(fixed) == _normalised(expected)


def test_fixed_rows_name_the_member_compartment_not_the_feed_patient() -> None:
    fixed = stored_rows(
        prepared_rows(ENCOUNTER, all_references(ENCOUNTER)), "Encounter", RESOLVED, SOURCE
    )
    assert fixed.patients == {"member-1"}


def test_conditional_reference_is_indexed_under_its_type_for_type_filtered_parameters() -> None:
    fixed = stored_rows(
        prepared_rows(ENCOUNTER, all_references(ENCOUNTER)), "Encounter", RESOLVED, SOURCE
    )
    practitioners = {r[2] for r in fixed.rows["reference"] if r[0] == "practitioner"}
    assert practitioners == {"stored-npi", "stored-pr1"}


def test_sent_source_is_replaced_by_the_feed_source() -> None:
    fixed = stored_rows(
        prepared_rows(ENCOUNTER, all_references(ENCOUNTER)), "Encounter", RESOLVED, SOURCE
    )
    assert [r for r in fixed.rows["uri"] if r[0] == "_source"] == [("_source", SOURCE)]


def test_resource_without_conditional_references_is_extracted_as_sent() -> None:
    plain = {**ENCOUNTER, "participant": [], "serviceProvider": {"reference": "Organization/o"}}
    resolved = {**RESOLVED, "Organization/o": "Organization/stored-o"}
    prepared = prepared_rows(plain, all_references(plain))
    fixed = stored_rows(prepared, "Encounter", resolved, SOURCE)
    expected = extract("Encounter", _stored_body(plain, resolved))
    assert _normalised(fixed) == _normalised(expected)


def test_stand_in_keeps_plain_contained_and_absolute_references() -> None:
    for ref in ("Patient/p1", "#loc", "https://ehr.example.org/fhir/Practitioner?identifier=a|b"):
        assert stand_in(ref) == ref
    assert stand_in(NPI).startswith("Practitioner/c-")
    assert stand_in(NPI) != stand_in(NPI.replace("9999974493", "1"))
