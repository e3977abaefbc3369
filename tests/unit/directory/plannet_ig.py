"""Plan-Net 1.1.0 as data, read from the IG package: must-support elements, searches, includes."""

from __future__ import annotations

import json
import tarfile
from functools import cache
from typing import Any

from tests.conftest import SHARED

PACKAGE = SHARED / "igs" / "hl7.fhir.us.davinci-pdex-plan-net-1.1.0.tgz"
PLANNET_SD = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/"
PROFILES = (
    "plannet-Practitioner",
    "plannet-PractitionerRole",
    "plannet-Organization",
    "plannet-Network",
    "plannet-Location",
    "plannet-HealthcareService",
    "plannet-OrganizationAffiliation",
    "plannet-Endpoint",
    "plannet-InsurancePlan",
)


@cache
def package() -> dict[str, Any]:
    """Every JSON file of the package by file name."""
    with tarfile.open(PACKAGE) as tar:
        return {
            member.name.rsplit("/", 1)[-1]: json.load(tar.extractfile(member))  # type: ignore[arg-type]
            for member in tar.getmembers()
            if member.name.startswith("package/")
            and member.name.endswith(".json")
            and "/" not in member.name[len("package/") :]
        }


def profile(name: str) -> dict[str, Any]:
    """A Plan-Net StructureDefinition."""
    return package()[f"StructureDefinition-{name}.json"]  # type: ignore[no-any-return]


# Inferno removes the NPI slice from the Network must-support list (CONFORMANCE §5.3).
NOT_TESTED = {"plannet-Network": {"Organization.identifier:NPI"}}


def must_support_ids(name: str) -> list[str]:
    """Element ids flagged mustSupport in the snapshot (prohibited ones, max 0, excluded)."""
    return [
        e["id"]
        for e in profile(name)["snapshot"]["element"]
        if e.get("mustSupport") and e["max"] != "0" and e["id"] not in NOT_TESTED.get(name, ())
    ]


def element(name: str, element_id: str) -> dict[str, Any]:
    """One snapshot element by id."""
    for item in profile(name)["snapshot"]["element"]:
        if item["id"] == element_id:
            return item  # type: ignore[no-any-return]
    raise KeyError(element_id)


def capability_resources() -> list[dict[str, Any]]:
    """The server CapabilityStatement's resource entries (search params, includes)."""
    return package()["CapabilityStatement-plan-net.json"]["rest"][0]["resource"]  # type: ignore[no-any-return]


def search_expression(resource_type: str, code: str) -> str | None:
    """The FHIRPath expression of a Plan-Net SearchParameter, if the IG defines it."""
    for item in package().values():
        is_parameter = item.get("resourceType") == "SearchParameter" and item["code"] == code
        if is_parameter and resource_type in item.get("base", []):
            return item["expression"]  # type: ignore[no-any-return]
    return None
