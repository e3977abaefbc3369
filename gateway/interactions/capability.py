"""The CapabilityStatement, generated from what is implemented: https://hl7.org/fhir/R4/capabilitystatement.html

Types come from the profiles of the IGs we serve (config/ig_index.json, built from the IG
packages) and from the search registry; search parameters and includes come from the registry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from auth.discovery import endpoints
from config import Settings
from gateway.fhir import FHIR_VERSION, is_resource_type
from gateway.search.capability import search_capability, searchable_types

IG_INDEX = Path(__file__).resolve().parents[2] / "config" / "ig_index.json"

# The IG packages whose server capability we implement, and whether `instantiates` carries
# the version (CONFORMANCE.md section 13: CARIN and PDex canonicals without a version).
SERVED_IGS: Mapping[str, bool] = {
    "hl7.fhir.us.core@6.1.0": True,
    "hl7.fhir.us.core@3.1.1": False,
    "hl7.fhir.us.carin-bb@2.0.0": False,
    "hl7.fhir.us.davinci-pdex-plan-net@1.1.0": False,
    "hl7.fhir.us.davinci-pdex@2.0.0": False,
}
INTERACTIONS = ("read", "vread", "update", "delete", "history-instance", "history-type", "create")


@lru_cache(maxsize=1)
def _packages() -> list[dict[str, Any]]:
    data = json.loads(IG_INDEX.read_text())
    return [p for p in data["packages"] if f"{p['package']}@{p['version']}" in SERVED_IGS]


def _profiles_by_type() -> dict[str, list[str]]:
    by_type: dict[str, list[str]] = {}
    for pkg in _packages():
        for profile in pkg["profiles"]:
            urls = by_type.setdefault(profile["type"], [])
            if profile["url"] not in urls:
                urls.append(profile["url"])
    return by_type


def _instantiates() -> list[str]:
    """Each served IG's server CapabilityStatement once, versioned where SERVED_IGS says so."""
    chosen: dict[str, str] = {}
    for pkg in _packages():
        versioned = SERVED_IGS[f"{pkg['package']}@{pkg['version']}"]
        for cap in pkg["capabilities"]:
            if cap["mode"] == "server" and (versioned or cap["url"] not in chosen):
                chosen[cap["url"]] = f"{cap['url']}|{cap['version']}" if versioned else cap["url"]
    return sorted(chosen.values())


def _resource_entry(rtype: str, profiles: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": rtype}
    if profiles:
        entry["supportedProfile"] = profiles
    entry["interaction"] = [{"code": code} for code in (*INTERACTIONS, "search-type")]
    entry.update(
        versioning="versioned-update",
        readHistory=True,
        updateCreate=True,
        conditionalCreate=True,
        conditionalRead="not-supported",
        conditionalUpdate=False,
        conditionalDelete="not-supported",
    )
    entry.update(search_capability(rtype))
    return entry


def capability_statement(settings: Settings, software_version: str) -> dict[str, Any]:
    """The server's CapabilityStatement as a dict."""
    by_type = _profiles_by_type()
    types = sorted(t for t in set(by_type) | set(searchable_types()) if is_resource_type(t))
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-23",
        "publisher": "FHIR payer gateway",
        "kind": "instance",
        "instantiates": _instantiates(),
        "software": {"name": "fhir-payer-gateway", "version": software_version},
        "implementation": {"description": "FHIR payer gateway", "url": settings["BASE_URL"]},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json", "application/json"],
        "rest": [
            {
                "mode": "server",
                "documentation": _limits(settings),
                "security": _security(settings),
                "resource": [_resource_entry(t, by_type.get(t, [])) for t in types],
                "interaction": [
                    {"code": "transaction"},
                    {"code": "batch"},
                    {"code": "history-system"},
                    {"code": "search-system"},
                ],
            }
        ],
    }


_OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
_OAUTH_KEYS = {
    "authorize": "authorization_endpoint",
    "token": "token_endpoint",
    "introspect": "introspection_endpoint",
    "revoke": "revocation_endpoint",
    "manage": "management_endpoint",
}


def _security(settings: Settings) -> dict[str, Any]:
    """SMART on FHIR: https://hl7.org/fhir/smart-app-launch/STU2/conformance.html"""
    urls = endpoints(str(settings["BASE_URL"]))
    return {
        "cors": True,
        "service": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "SMART-on-FHIR",
                    }
                ],
                "text": "OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)",
            }
        ],
        "extension": [
            {
                "url": _OAUTH_URIS,
                "extension": [
                    {"url": name, "valueUri": urls[key]} for name, key in _OAUTH_KEYS.items()
                ],
            }
        ],
    }


def _limits(settings: Settings) -> str:
    return (
        f"Searches return at most {settings['SEARCH_MAX_COUNT']} resources a page "
        f"(default {settings['SEARCH_DEFAULT_COUNT']}); larger _count values are reduced to the "
        f"maximum. At most {settings['SEARCH_MAX_INCLUDES']} resources are included per page: past "
        "that the Bundle carries an OperationOutcome entry (search.mode outcome) saying so. "
        f"Request bodies are limited to {settings['MAX_BODY_BYTES']} bytes (413 past it)."
    )


@lru_cache(maxsize=8)
def capability_bytes(settings_key: tuple[tuple[str, Any], ...], software_version: str) -> bytes:
    """The CapabilityStatement serialised once per settings."""
    return orjson.dumps(capability_statement(dict(settings_key), software_version))
