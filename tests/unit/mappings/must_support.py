"""Must-support paths of a profile, read from its StructureDefinition snapshot in shared/igs.

A small version of inferno-core's ``AllMustSupportsPresent`` (CONFORMANCE.md §2.9): plain
element paths must be populated in at least one resource; a slice must be matched by at least
one array element (matched by the pattern codes/URLs of its children, or by its choice type).
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from functools import cache
from typing import Any

from tests.conftest import SHARED


@cache
def structure_definitions() -> dict[str, dict[str, Any]]:
    """Every StructureDefinition in the IG packages, by canonical url (and url|version)."""
    found: dict[str, dict[str, Any]] = {}
    for package in sorted((SHARED / "igs").glob("*.tgz")):
        with tarfile.open(package) as tar:
            for member in tar.getmembers():
                if "/StructureDefinition-" in member.name and member.name.endswith(".json"):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        sd = json.load(handle)
                        found.setdefault(sd["url"], sd)
                        found[f"{sd['url']}|{sd.get('version')}"] = sd
    return found


def must_support(profile: str) -> list[dict[str, Any]]:
    """The must-support elements (snapshot entries) of a profile, root element excluded."""
    sd = structure_definitions()[profile]
    return [e for e in sd["snapshot"]["element"] if e.get("mustSupport") and "." in e["id"]]


def missing(profile: str, resources: list[dict[str, Any]]) -> list[str]:
    """Must-support element ids of ``profile`` that no resource populates."""
    elements = {e["id"]: e for e in structure_definitions()[profile]["snapshot"]["element"]}
    return [
        e["id"]
        for e in must_support(profile)
        if not any(_present(e["id"], elements, r) for r in resources)
    ]


def _present(element_id: str, elements: dict[str, Any], resource: dict[str, Any]) -> bool:
    parts = element_id.split(".")[1:]
    return any(True for _ in _walk(resource, parts, element_id.split(".")[0], elements))


def _walk(node: Any, parts: list[str], prefix: str, elements: dict[str, Any]) -> Iterator[Any]:
    if not parts:
        yield node
        return
    head, rest = parts[0], parts[1:]
    name, _, slice_name = head.partition(":")
    here = f"{prefix}.{head}"
    for value in _values(node, name, slice_name):
        if slice_name and not name.endswith("[x]") and not _matches(here, elements, value):
            continue
        yield from _walk(value, rest, here, elements)


def _values(node: Any, name: str, slice_name: str) -> list[Any]:
    if not isinstance(node, dict):
        return []
    if name.endswith("[x]"):
        base = name[:-3]
        keys = [slice_name] if slice_name else [k for k in node if k.startswith(base)]
        found = [node[k] for k in keys if k in node]
    else:
        found = [node[name]] if name in node else []
    out: list[Any] = []
    for value in found:
        out.extend(value if isinstance(value, list) else [value])
    return out


def _matches(slice_id: str, elements: dict[str, Any], value: Any) -> bool:
    """Does an array element match the slice (pattern codes of children, fixed extension url)?"""
    element = elements.get(slice_id, {})
    for kind in element.get("type", []):
        for url in kind.get("profile", []):
            if kind.get("code") == "Extension":
                return isinstance(value, dict) and value.get("url") == url
    checks = [
        (child_id[len(slice_id) + 1 :], child)
        for child_id, child in elements.items()
        if child_id.startswith(slice_id + ".") and child_id.count(".") == slice_id.count(".") + 1
    ]
    for child_name, child in checks:
        pattern = child.get("patternCodeableConcept") or child.get("patternCoding")
        if pattern is None:
            pattern = {k: v for k, v in child.items() if k in ("fixedUri", "fixedCode")}
            url_ok = isinstance(value, dict) and value.get("url") in pattern.values()
            if child_name == "url" and pattern and not url_ok:
                return False
            continue
        codes = {c["code"] for c in pattern.get("coding", [pattern])}
        got = value.get(child_name) if isinstance(value, dict) else None
        got_codes = {c.get("code") for c in (got or {}).get("coding", [got or {}])}
        if not codes & got_codes:
            return False
    return True
