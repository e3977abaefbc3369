"""Build config/ig_index.json from the IG packages in ../shared/igs (data, never retyped).

For each package: its id and version, the canonical URLs of its server CapabilityStatements,
and its resource profiles (url, type, name). The CapabilityStatement and the validator tests
read this file. Run: .venv/bin/python scripts/build_ig_index.py [IGS_DIR]
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IGS = ROOT.parent / "shared" / "igs"


def index_package(path: Path) -> list[dict[str, object]]:
    """One entry per package found inside the tgz (a tgz may bundle dependencies)."""
    packages: dict[str, dict[str, object]] = {}
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if (
                not member.isfile()
                or not member.name.endswith(".json")
                or "/example" in member.name
            ):
                continue
            folder = member.name.rsplit("/", 1)[0]
            handle = tar.extractfile(member)
            if handle is None:
                continue
            try:
                data = json.load(handle)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            pkg = packages.setdefault(folder, {"profiles": [], "capabilities": []})
            _add(pkg, member.name, data)
    return [
        p for p in packages.values() if p.get("package") and (p["profiles"] or p["capabilities"])
    ]


def _add(pkg: dict[str, object], name: str, data: dict[str, object]) -> None:
    if name.endswith("/package.json") and "name" in data:
        pkg["package"], pkg["version"] = data["name"], data.get("version")
    elif data.get("resourceType") == "StructureDefinition" and data.get("kind") == "resource":
        if data.get("derivation") == "constraint":
            entry = {"url": data["url"], "type": data["type"], "name": data.get("name")}
            pkg["profiles"].append(entry)  # type: ignore[attr-defined]
    elif data.get("resourceType") == "CapabilityStatement":
        rest = data.get("rest") or [{}]
        mode = rest[0].get("mode") if isinstance(rest, list) and rest else None  # type: ignore[union-attr]
        entry = {"url": data.get("url"), "mode": mode, "version": data.get("version")}
        pkg["capabilities"].append(entry)  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    igs = Path(argv[1]) if len(argv) > 1 else DEFAULT_IGS
    packages = [p for path in sorted(igs.glob("*.tgz")) for p in index_package(path)]
    for pkg in packages:
        pkg["profiles"] = sorted(pkg["profiles"], key=lambda p: p["url"])  # type: ignore[arg-type, index, return-value]
    out = ROOT / "config" / "ig_index.json"
    out.write_text(json.dumps({"packages": packages}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out} ({len(packages)} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
