"""Which must-support element ids of a profile are populated in a set of resources (§2.9)."""

from __future__ import annotations

from typing import Any

from tests.unit.directory import plannet_ig


def populated(profile: str, element_id: str, resources: list[dict[str, Any]]) -> bool:
    """True when some resource has a value at ``element_id`` (slices matched by url/pattern)."""
    segments = element_id.split(".")[1:]
    nodes: list[Any] = list(resources)
    prefix = element_id.split(".")[0]
    for segment in segments:
        name, _, slice_name = segment.partition(":")
        prefix = f"{prefix}.{segment}"
        nodes = _children(nodes, name)
        if slice_name:
            nodes = _slice(profile, prefix, name, slice_name, nodes)
    return bool(nodes)


def _children(nodes: list[Any], name: str) -> list[Any]:
    found: list[Any] = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        keys = [k for k in node if k.startswith("value")] if name == "value[x]" else [name]
        for key in keys:
            value = node.get(key)
            if isinstance(value, list):
                found.extend(value)
            elif value is not None:
                found.append(value)
    return found


def _slice(
    profile: str, element_id: str, name: str, slice_name: str, nodes: list[Any]
) -> list[Any]:
    definition = plannet_ig.element(profile, element_id)
    if name in ("extension", "modifierExtension"):
        url = _extension_url(profile, element_id, definition, slice_name)
        return [n for n in nodes if isinstance(n, dict) and n.get("url") == url]
    pattern = definition.get("patternIdentifier") or definition.get("patternCodeableConcept")
    if pattern and "system" in pattern:
        return [n for n in nodes if isinstance(n, dict) and n.get("system") == pattern["system"]]
    return nodes


def _extension_url(
    profile: str, element_id: str, definition: dict[str, Any], slice_name: str
) -> str:
    for item in definition.get("type", []):
        if item.get("profile"):
            return str(item["profile"][0])
    try:
        return str(plannet_ig.element(profile, f"{element_id}.url")["fixedUri"])
    except KeyError:
        return slice_name
