"""Search capability data for the CapabilityStatement, from the registry (STYLE rule 8).

https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.resource.searchParam
"""

from __future__ import annotations

from functools import cache
from typing import Any

from gateway.search.composites import grouped, on_resource
from gateway.search.registry import SearchParam, params_for, resource_types
from gateway.search.terms import NEAR_DEFAULT_KM, NEAR_UNITS

# Limits the engine applies; the CapabilityStatement's rest.documentation states the values.
LIMITS_DOC = (
    "_count is capped at SEARCH_MAX_COUNT; at most SEARCH_MAX_INCLUDES resources are included "
    "per page, past which the Bundle carries an OperationOutcome entry (search.mode outcome)."
)


def _advertised(sp: SearchParam, resource_type: str) -> bool:
    """Supported types and ``near``, composites on the resource itself, grouped composites."""
    if sp.type == "composite":
        return on_resource(sp, resource_type) or sp.code in grouped(resource_type)
    return sp.supported


@cache
def searchable_types() -> list[str]:
    """Every resource type with at least one supported search parameter."""
    return [t for t in resource_types() if any(_advertised(p, t) for p in params_for(t).values())]


@cache
def _revincludes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for source in resource_types():
        for sp in params_for(source).values():
            if sp.type == "reference":
                for target in sp.targets:
                    found.setdefault(target, []).append(f"{source}:{sp.code}")
    return found


def _documentation(sp: SearchParam) -> str:
    """The parameter's summary; for ``near`` what the server chose where R4 leaves it open."""
    if sp.kind != "position":
        return sp.doc
    units = ", ".join(NEAR_UNITS)
    return (
        "latitude|longitude|distance|units: great-circle distance on a sphere of the WGS84 "
        f"mean radius; units (UCUM) {units}, default km; no distance means "
        f"{NEAR_DEFAULT_KM:g} km."
    )


def search_capability(resource_type: str) -> dict[str, Any]:
    """searchParam, searchInclude and searchRevInclude entries for one resource type."""
    params = [p for p in params_for(resource_type).values() if _advertised(p, resource_type)]
    entries = [
        {
            "name": p.code,
            "definition": p.url,
            "type": p.type,
            **({"documentation": _documentation(p)} if p.doc else {}),
        }
        for p in params
    ]
    includes = [f"{resource_type}:{p.code}" for p in params if p.type == "reference"]
    return {
        "searchParam": entries,
        "searchInclude": [*includes, f"{resource_type}:*"] if includes else [],
        "searchRevInclude": sorted(_revincludes().get(resource_type, [])),
    }
