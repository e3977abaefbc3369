"""A light US Core profile check: the top-level elements a claimed profile requires (min >= 1).

The data (``us_core_required.json``) is generated from the IG packages, never retyped:
``python -m gateway.ingest.ehr.profiles ../shared/igs``. Slices, bindings and invariants are
left to the full validator (docs/ehr-feeds.md "Validation").
"""

from __future__ import annotations

import json
import sys
import tarfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("us_core_required.json")
PACKAGES = ("hl7.fhir.us.core-3.1.1.tgz", "hl7.fhir.us.core-6.1.0.tgz")


@cache
def required_elements() -> dict[str, list[str]]:
    """Profile canonical URL -> the top-level element names it requires."""
    data: dict[str, list[str]] = json.loads(DATA.read_text())
    return data


def profile_issues(resource: Mapping[str, Any]) -> list[str]:
    """Missing required elements of each US Core profile the resource claims."""
    claimed = (resource.get("meta") or {}).get("profile") or []
    rtype = resource.get("resourceType")
    problems = []
    for url in claimed:
        for name in required_elements().get(str(url).split("|")[0], []):
            if not _present(resource, name):
                problems.append(f"{rtype}.{name}: required by profile {url}")
    return problems


def _present(resource: Mapping[str, Any], name: str) -> bool:
    if name.endswith("[x]"):
        stem = name[:-3]
        return any(k.startswith(stem) and k[len(stem) : len(stem) + 1].isupper() for k in resource)
    value = resource.get(name)
    return value not in (None, [], {}, "")


def build(igs: Path) -> dict[str, list[str]]:
    """Read the US Core packages and list each profile's required top-level elements."""
    result: dict[str, list[str]] = {}
    for package in PACKAGES:
        with tarfile.open(igs / package) as archive:
            for member in archive.getmembers():
                name = member.name.rsplit("/", 1)[-1]
                if not (name.startswith("StructureDefinition-") and name.endswith(".json")):
                    continue
                handle = archive.extractfile(member)
                definition = json.load(handle) if handle else {}
                if definition.get("kind") == "resource" and "snapshot" in definition:
                    result[definition["url"]] = sorted(_required(definition))
    return result


def _required(definition: Mapping[str, Any]) -> set[str]:
    rtype = definition["type"]
    names = set()
    for element in definition["snapshot"]["element"]:
        path = str(element["path"])
        parts = path.split(".")
        sliced = ":" in str(element.get("id", ""))
        if len(parts) == 2 and parts[0] == rtype and element.get("min", 0) >= 1 and not sliced:
            names.add(parts[1])
    return names


if __name__ == "__main__":
    DATA.write_text(json.dumps(build(Path(sys.argv[1])), indent=1, sort_keys=True) + "\n")
