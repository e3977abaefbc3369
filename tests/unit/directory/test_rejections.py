"""Each rejection rule of the directory feed schemas names the field and the reason (DESIGN D8)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from marshmallow import ValidationError

from gateway.ingest.feeds.registry import kind_named

ADDRESS = {"lines": ["1 Main St"], "city": "Hartford", "state": "CT", "postal_code": "06105"}
CODE = {"system": "http://nucc.org/provider-taxonomy", "code": "207R00000X"}
GOOD: dict[str, dict[str, Any]] = {
    "practitioners": {
        "npi": "1255334207",
        "family": "Soucier",
        "given": ["Richard"],
        "phone": "860-714-4820",
        "address": ADDRESS,
        "qualifications": [{"code": CODE, "issuer": "CT board", "status": "active"}],
        "languages": [{"code": "en", "display": "English", "proficiency": "50"}],
    },
    "organizations": {
        "key": "org-1",
        "name": "Clinic",
        "org_type": "prvgrp",
        "phone": "860-555-0100",
        "address": ADDRESS,
    },
    "locations": {
        "key": "loc-1",
        "name": "Clinic site",
        "type_code": "OF",
        "address": ADDRESS,
        "hours": [{"days": ["mon"], "opening": "08:00:00", "closing": "17:00:00"}],
    },
    "practitioner_roles": {
        "key": "role-1",
        "practitioner_npi": "1255334207",
        "organization_key": "org-1",
        "role_code": "ph",
        "specialties": [CODE],
        "network_keys": ["net-1"],
    },
    "healthcare_services": {
        "key": "svc-1",
        "organization_key": "org-1",
        "name": "Care",
        "category": "outpat",
    },
    "endpoints": {
        "key": "ep-1",
        "name": "API",
        "address": "https://fhir.example.org/r4",
        "connection_type": "hl7-fhir-opn",
        "managing_org_key": "org-1",
        "usecase": "TREAT",
    },
    "networks": {
        "key": "net-1",
        "name": "Network",
        "owner_key": "payer-1",
        "phone": "860-555-0100",
        "address": ADDRESS,
    },
    "organization_affiliations": {
        "key": "aff-1",
        "primary_org_key": "payer-1",
        "participating_org_key": "org-1",
        "role_code": "outpatient",
    },
    "insurance_plans": {
        "key": "plan-1",
        "name": "Plan",
        "product_type": "commhmo",
        "plan_type": "gold",
        "owner_key": "payer-1",
        "administrator_key": "payer-1",
        "network_keys": ["net-1"],
    },
}

# (feed, dotted path of the bad value, bad value or None to delete it, field named in the error)
RULES = [
    ("practitioners", "npi", "1255334208", "npi"),
    ("practitioners", "npi", "12553342", "npi"),
    ("practitioners", "family", None, "family"),
    ("practitioners", "active", False, "active"),
    ("practitioners", "address.state", "Connecticut", "address.state"),
    ("practitioners", "address.postal_code", "6105", "address.postal_code"),
    ("practitioners", "address.latitude", 123.0, "address.latitude"),
    ("practitioners", "qualifications.0.status", "revoked", "qualifications.0.status"),
    ("practitioners", "languages.0.proficiency", "99", "languages.0.proficiency"),
    ("organizations", "org_type", "ntwk", "org_type"),
    ("organizations", "key", "has space", "key"),
    ("organizations", "tin", "12-345", "tin"),
    ("locations", "hours.0.days", ["monday"], "hours.0.days.0"),
    ("locations", "hours.0.opening", "8am", "hours.0.opening"),
    ("locations", "new_patients", "yes", "new_patients"),
    ("locations", "accessibility", ["wheelchair"], "accessibility.0"),
    ("practitioner_roles", "role_code", "doctor", "role_code"),
    ("practitioner_roles", "specialties", [], "specialties"),
    ("practitioner_roles", "start", "01/02/2024", "start"),
    ("healthcare_services", "category", "clinic", "category"),
    ("healthcare_services", "delivery", "drone", "delivery"),
    ("healthcare_services", "virtual_modalities", ["fax"], "virtual_modalities.0"),
    ("endpoints", "address", "http://insecure.example.org", "address"),
    ("endpoints", "connection_type", "soap", "connection_type"),
    ("networks", "owner_key", None, "owner_key"),
    ("organization_affiliations", "role_code", "friend", "role_code"),
    ("insurance_plans", "product_type", "bestplan", "product_type"),
    ("insurance_plans", "plan_type", "diamond", "plan_type"),
    ("insurance_plans", "network_keys", [], "network_keys"),
]


def _set(row: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target: Any = row
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is None:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


def _error_fields(messages: Any, prefix: str = "") -> set[str]:
    if isinstance(messages, dict):
        return {
            name
            for key, value in messages.items()
            for name in _error_fields(value, f"{prefix}.{key}" if prefix else str(key))
        }
    return {prefix}


@pytest.mark.unit
@pytest.mark.parametrize("feed", sorted(GOOD))
def test_good_row_of_each_feed_loads(feed: str) -> None:
    kind = kind_named(feed)
    assert list(kind.to_fhir(kind.schema().load(GOOD[feed])))


@pytest.mark.unit
@pytest.mark.parametrize(("feed", "path", "value", "field"), RULES)
def test_bad_value_is_rejected_naming_its_field(
    feed: str, path: str, value: Any, field: str
) -> None:
    row = copy.deepcopy(GOOD[feed])
    _set(row, path, value)
    with pytest.raises(ValidationError) as caught:
        kind_named(feed).schema().load(row)
    assert _error_fields(caught.value.messages) == {field}
