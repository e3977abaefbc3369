"""Build ``config/search_registry.json`` from the shared SearchParameter data (DESIGN D4).

Run ``.venv/bin/python -m gateway.search.registry_build [SHARED_DIR]``. The sources are the
FHIR R4 core bundle and the SearchParameters in the IG packages; a later source replaces an
earlier one for the same (base type, code), so the IG definitions win over the core ones.
Each expression is split per base type and compiled to simple JSON paths where it can be
(``a.b.c``, choice types, ``ofType``/``as``, ``where(x='y')``, ``where(resolve() is T)``);
anything else keeps its FHIRPath text for the engine at index time.
https://hl7.org/fhir/R4/searchparameter.html
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.search.expressions import compile_expression, split_union

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "config" / "search_registry.json"
IG_PACKAGES = (
    "hl7.fhir.us.core-3.1.1.tgz",
    "hl7.fhir.us.core-6.1.0.tgz",
    "hl7.fhir.us.carin-bb-2.0.0.tgz",
    "hl7.fhir.us.davinci-pdex-plan-net-1.1.0.tgz",
    "hl7.fhir.us.davinci-pdex-2.0.0.tgz",
)
# Parameters whose semantics are not an element value; served by the engine or unsupported.
SKIPPED = frozenset({"_text", "_content", "_query", "_filter", "_list", "_has", "_type"})
RESOURCE_BASES = frozenset({"Resource", "DomainResource"})


def _core(shared: Path) -> Iterator[dict[str, Any]]:
    bundle = json.loads((shared / "fhir-r4" / "search-parameters.json").read_text())
    for entry in bundle["entry"]:
        yield entry["resource"]


def _packages(shared: Path) -> Iterator[dict[str, Any]]:
    for name in IG_PACKAGES:
        with tarfile.open(shared / "igs" / name) as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if re.search(r"/SearchParameter-[^/]+\.json$", member.name):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield json.loads(handle.read())


def _resource_types() -> list[str]:
    from fhirpathpy.models import models

    parents: dict[str, str] = models["r4"]["type2Parent"]
    return sorted(t for t in parents if _is_resource(t, parents) and t not in RESOURCE_BASES)


def _is_resource(name: str, parents: dict[str, str]) -> bool:
    while name in parents:
        name = parents[name]
        if name == "Resource":
            return True
    return False


def _entry(sp: dict[str, Any], base: str, expression: str | None) -> dict[str, Any]:
    members = [_rooted(p, base) for p in split_union(expression or "")]
    parts = [p for p in members if _part_base(p) in (base, *RESOURCE_BASES)]
    own = " | ".join(parts)
    compiled = [compile_expression(p, base) for p in parts]
    entry: dict[str, Any] = {
        "url": sp["url"],
        "type": sp["type"],
        "doc": _summary(sp.get("description") or ""),
        "expression": own,
        "paths": None if any(c is None for c in compiled) else compiled,
    }
    for key, name in (
        ("target", "targets"),
        ("comparator", "comparators"),
        ("modifier", "modifiers"),
    ):
        if sp.get(key):
            entry[name] = sorted(sp[key])
    if sp.get("component"):
        entry["components"] = [
            {"definition": c["definition"], "expression": c["expression"]} for c in sp["component"]
        ]
    return entry


def _summary(description: str) -> str:
    """The first line of a description, without markdown emphasis, at most 160 characters."""
    first = description.strip().split("\n")[0].replace("*", "").strip()
    return first[:160]


def _rooted(part: str, base: str) -> str:
    """A member written relative to the resource (Plan-Net ``name | alias``) gets its type."""
    return f"{base}.{part}" if re.match(r"^[a-z]", part) else part


def _part_base(part: str) -> str:
    return re.sub(r"^\(+", "", part).split(".")[0].split(" ")[0]


def build(shared: Path) -> dict[str, Any]:
    """The registry: parameters per resource type and Patient compartment parameters."""
    types = _resource_types()
    params: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in types}
    for sp in [*_core(shared), *_packages(shared)]:
        if sp.get("code") in SKIPPED or (not sp.get("expression") and sp["type"] != "composite"):
            continue
        bases = types if set(sp["base"]) & RESOURCE_BASES else sp["base"]
        for base in bases:
            if base in params:
                params[base][sp["code"]] = _entry(sp, base, sp.get("expression"))
    return {
        "params": {t: dict(sorted(p.items())) for t, p in params.items() if p},
        "compartment": _compartment(shared),
    }


def _compartment(shared: Path) -> dict[str, list[str]]:
    data = json.loads((shared / "fhir-r4" / "compartmentdefinition-patient.json").read_text())
    return {r["code"]: sorted(r["param"]) for r in data["resource"] if r.get("param")}


def main(argv: list[str]) -> None:
    """Write the registry file."""
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared"
    registry = build(shared)
    OUTPUT.write_text(json.dumps(registry, separators=(",", ":"), sort_keys=True) + "\n")
    count = sum(len(p) for p in registry["params"].values())
    print(f"wrote {OUTPUT} ({count} parameters, {len(registry['params'])} types)")


if __name__ == "__main__":
    main(sys.argv)
