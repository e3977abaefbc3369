"""The health plan as payer -> Organization (US Core + CARIN BB).

https://hl7.org/fhir/us/carin-bb/STU2/StructureDefinition-C4BB-Organization.html
"""

from __future__ import annotations

from mappings.fhir_values import (
    C4BB,
    C4BB_CS,
    JSON,
    NAIC_SYSTEM,
    PAYER_ID_SYSTEM,
    THO,
    TIN_SYSTEM,
    US_CORE,
    V2_0203,
    concept,
    meta,
)
from mappings.ids import resource_id
from mappings.member_records import PayerRecord
from mappings.models import FHIRAbstractModel, build

PAYER_PROFILES = (f"{US_CORE}/us-core-organization", f"{C4BB}/C4BB-Organization|2.0.0")


def payer_id(payer_key: str) -> str:
    """The payer Organization id."""
    return resource_id("organization", payer_key)


def payer_json(payer: PayerRecord) -> JSON:
    """The payer Organization as FHIR JSON."""
    return {
        "id": payer_id(payer.key),
        "meta": meta(*PAYER_PROFILES),
        "identifier": [
            {"type": concept(V2_0203, "TAX"), "system": TIN_SYSTEM, "value": payer.tin},
            {
                "type": concept(f"{C4BB_CS}/C4BBIdentifierType", "payerid"),
                "system": PAYER_ID_SYSTEM,
                "value": payer.key,
            },
            {
                "type": concept(f"{C4BB_CS}/C4BBIdentifierType", "naiccode"),
                "system": NAIC_SYSTEM,
                "value": payer.naic,
            },
        ],
        "active": True,
        "type": [concept(f"{THO}/organization-type", "pay", "Payer")],
        "name": payer.name,
        "telecom": [{"system": "phone", "value": payer.phone, "use": "work"}],
        "address": [
            {
                "use": "work",
                "line": [payer.address_line],
                "city": payer.city,
                "state": payer.state,
                "postalCode": payer.postal_code,
                "country": "US",
            }
        ],
    }


def to_payer(payer: PayerRecord) -> FHIRAbstractModel:
    """The payer Organization (US Core + CARIN)."""
    return build("Organization", payer_json(payer))
