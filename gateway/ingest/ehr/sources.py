"""Reading EHR input: NDJSON line by line (bounded memory) and Bundles entry by entry.

Files are ordered so that referenced resources come first (Patients, then directory types,
then Encounters, then the rest): a reference then usually finds its target already placed.
https://hl7.org/fhir/uv/bulkdata/STU2/export.html#bulk-data-output-file-request
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from gateway.ingest.ehr.batch import Item

ORDER = ("Patient", "Organization", "Location", "Practitioner", "PractitionerRole", "Encounter")


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive non-blank lines of the job's file number ``file`` (``()``: end of file)."""

    file: int
    lines: tuple[tuple[int, bytes], ...] = ()


def expand(paths: list[str]) -> list[Path]:
    """Files to import, in dependency order; a directory gives its .ndjson and .json files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".ndjson", ".json"))
        else:
            files.append(path)
    return sorted(files, key=_rank)


def _rank(path: Path) -> tuple[int, str]:
    rtype = path.name.split(".", 1)[0]
    return (ORDER.index(rtype) if rtype in ORDER else len(ORDER), path.name)


def chunks(files: list[Path], cursor: tuple[int, int], size: int) -> Iterator[Chunk]:
    """Every file's NDJSON lines after ``cursor`` (file index, last line), ``size`` at a time.

    Each file ends with an empty chunk (a Bundle file has only that one): the job
    checkpoints there and reads the Bundle itself.
    """
    for index in range(cursor[0], len(files)):
        if files[index].suffix != ".json":
            after = cursor[1] if index == cursor[0] else 0
            yield from _file_chunks(index, files[index], after, size)
        yield Chunk(index)


def _file_chunks(index: int, path: Path, after: int, size: int) -> Iterator[Chunk]:
    """One file's lines after line ``after`` (1-based numbers), read one at a time."""
    lines: list[tuple[int, bytes]] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number <= after or not raw.strip():
                continue
            lines.append((number, raw))
            if len(lines) >= size:
                yield Chunk(index, tuple(lines))
                lines = []
    if lines:
        yield Chunk(index, tuple(lines))


def bundle_items(bundle: dict[str, Any], label: str) -> list[Item]:
    """A Bundle's resources as items (line = entry index), ``urn:uuid`` turned into Type/id."""
    entries = [e for e in bundle.get("entry") or [] if isinstance(e, dict)]
    names = {
        str(e["fullUrl"]): _local(e["resource"], str(e["fullUrl"]))
        for e in entries
        if isinstance(e.get("fullUrl"), str) and isinstance(e.get("resource"), dict)
    }
    items = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            resource = {}
        elif entry.get("fullUrl") in names and "id" not in resource:
            resource = {**resource, "id": names[entry["fullUrl"]].split("/", 1)[1]}
        items.append(Item(label, index, _translated(resource, names)))
    return items


def _local(resource: dict[str, Any], full_url: str) -> str:
    rid = resource.get("id") or full_url.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return f"{resource.get('resourceType')}/{rid}"


def _translated(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            k: names.get(v, v) if k == "reference" and isinstance(v, str) else _translated(v, names)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_translated(item, names) for item in node]
    return node


def count_lines(path: Path) -> int:
    """Lines in a file (for a progress total); a Bundle counts its entries."""
    if path.suffix == ".json":
        try:
            return len(orjson.loads(path.read_bytes()).get("entry") or [])
        except (orjson.JSONDecodeError, AttributeError):
            return 0
    with path.open("rb") as handle:
        return sum(1 for _ in handle)
