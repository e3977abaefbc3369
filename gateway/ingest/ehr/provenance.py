"""Provenance for ingested EHR data (US Core Provenance + PDex provenance), one per patient/batch.

https://hl7.org/fhir/us/davinci-pdex/STU2/StructureDefinition-pdex-provenance.html
https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-provenance.html
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.store.records import fhir_instant
from mappings.ids import resource_id

TRANSFORM_VERSION = "ehr-ingest-1"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"
PDEX = "http://hl7.org/fhir/us/davinci-pdex"
PROFILES = [f"{US_CORE}/us-core-provenance", f"{PDEX}/StructureDefinition/pdex-provenance"]
PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
US_CORE_PARTICIPANT = "http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type"
FEED_SYSTEM = "urn:fhir-payer-gateway:ehr-feed"
TRANSFORM_POLICY = f"urn:fhir-payer-gateway:transform:{TRANSFORM_VERSION}"
ORGANIZATION_PROFILE = f"{US_CORE}/us-core-organization"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """The feed sending EHR data: its stable name, the sending organisation and the format."""

    name: str
    organization: str | None = None
    source_format: str = "hl7fhirr4"

    @property
    def organization_id(self) -> str:
        """The id of the Organization standing for the sender."""
        return resource_id("ehr-source", self.name)


def source_organization(source: SourceInfo) -> dict[str, Any]:
    """The US Core Organization for the sending EHR (the Provenance author and transmitter)."""
    return {
        "resourceType": "Organization",
        "id": source.organization_id,
        "meta": {"profile": [ORGANIZATION_PROFILE]},
        "identifier": [{"system": FEED_SYSTEM, "value": source.name}],
        "active": True,
        "name": source.organization or source.name,
    }


def provenance_id(source: SourceInfo, group: str, targets: Sequence[str]) -> str:
    """Stable for the same feed, patient and targets: a resend rewrites nothing."""
    return resource_id("ehr-provenance", "|".join((source.name, group, *sorted(targets))))


def build_provenance(
    source: SourceInfo, group: str, targets: Sequence[str], recorded: datetime
) -> dict[str, Any]:
    """One Provenance naming the sender as author and transmitter of ``targets``."""
    who = {"reference": f"Organization/{source.organization_id}"}
    return {
        "resourceType": "Provenance",
        "id": provenance_id(source, group, targets),
        "meta": {"profile": PROFILES},
        "target": [{"reference": t} for t in sorted(targets)],
        "recorded": fhir_instant(recorded),
        "policy": [TRANSFORM_POLICY],
        "agent": [
            {"type": _concept(PARTICIPANT, "author", "Author"), "who": who},
            {"type": _concept(US_CORE_PARTICIPANT, "transmitter", "Transmitter"), "who": who},
        ],
        "entity": [
            {
                "extension": [
                    {
                        "url": f"{PDEX}/StructureDefinition/ProvenanceSourceFrom",
                        "valueCodeableConcept": _concept(
                            f"{PDEX}/CodeSystem/ProvenancePayerDataSource", source.source_format
                        ),
                    }
                ],
                "role": "source",
                "what": {"identifier": {"system": FEED_SYSTEM, "value": source.name}},
            }
        ],
    }


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}
