"""Benefit plans -> Plan-Net InsurancePlan.

https://hl7.org/fhir/us/davinci-pdex-plan-net/STU1.1/StructureDefinition-plannet-InsurancePlan.html
"""

from __future__ import annotations

from mappings.directory_records import InsurancePlanRecord
from mappings.directory_types import (
    ENDPOINT,
    JSON,
    LOCATION,
    NETWORK,
    ORGANIZATION,
    PLANNET_SD,
    compact,
    identifier,
    meta,
    period,
    plannet_concept,
    ref,
    refs,
)
from mappings.ids import resource_id
from mappings.models import FHIRAbstractModel, build

MAPPING_VERSION = "plans-1"
PLAN_PROFILES = (f"{PLANNET_SD}/plannet-InsurancePlan",)


def insurance_plan_json(record: InsurancePlanRecord) -> JSON:
    """An InsurancePlan with networks, coverage areas, owner, administrator (FHIR JSON)."""
    plan: JSON = {
        "type": plannet_concept("InsurancePlanTypeCS", record.plan_type),
        "coverageArea": refs(LOCATION, record.coverage_area_keys),
        "network": refs(NETWORK, record.network_keys),
    }
    data: JSON = {
        "id": resource_id("insurance-plan", record.key),
        "meta": meta(*PLAN_PROFILES),
        "identifier": [_identifier(record)],
        "status": "active",
        "type": [plannet_concept("InsuranceProductTypeCS", record.product_type)],
        "name": record.name,
        "alias": list(record.aliases),
        "ownedBy": ref(ORGANIZATION, record.owner_key),
        "administeredBy": ref(ORGANIZATION, record.administrator_key),
        "coverageArea": refs(LOCATION, record.coverage_area_keys),
        "endpoint": refs(ENDPOINT, record.endpoint_keys),
        "network": refs(NETWORK, record.network_keys),
        "plan": [compact(plan)],
    }
    during = period(record.start, record.end)
    if during:
        data["period"] = during
    if record.contact:
        data["contact"] = [
            {
                "name": {"text": record.contact.name},
                "telecom": [{"system": "phone", "value": record.contact.phone}],
            }
        ]
    return {"resourceType": "InsurancePlan", **compact(data)}


def to_insurance_plan(record: InsurancePlanRecord) -> FHIRAbstractModel:
    """A Plan-Net InsurancePlan with its networks, coverage areas, owner and administrator."""
    return build("InsurancePlan", insurance_plan_json(record))


def _identifier(record: InsurancePlanRecord) -> JSON:
    data = identifier(record.identifier or record.key, "PLAC")
    data["assigner"] = {**ref(ORGANIZATION, record.owner_key), "display": "plan owner"}
    return data
