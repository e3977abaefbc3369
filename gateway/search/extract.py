"""Index extraction: the values of every search parameter of one resource (DESIGN D4).

The per-type plan (:mod:`gateway.search.plans`) holds every compiled path as closures; the
few expressions outside the compiled subset run on fhirpathpy. Only the parameters of the
resource's own type are evaluated. https://hl7.org/fhir/R4/search.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.search.composites import grouped_rows
from gateway.search.plans import plan
from gateway.search.registry import compartment_params


@dataclass(slots=True)
class IndexRows:
    """The index rows of one resource, per table, each row starting with the parameter code.

    Rows of grouped composites (parameter ``C$i``, see :mod:`gateway.search.composites`)
    carry one more value at the end: the group, for the table's ``grp`` column.
    """

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    patients: set[str] = field(default_factory=set)

    def add(self, kind: str, row: tuple[Any, ...]) -> None:
        """Add one row to the table of parameter type ``kind``."""
        self.rows.setdefault(kind, []).append(row)


def extract(resource_type: str, resource: Mapping[str, Any]) -> IndexRows:
    """Every index row of ``resource`` plus the patients whose compartment holds it."""
    out = IndexRows()
    tables = out.rows
    if not isinstance(resource, dict):
        resource = dict(resource)
    present = resource.keys()
    for p in plan(resource_type):
        if p.key is not None:
            value = resource.get(p.key)
            if value is None:
                continue
            kind = p.key_type
            nodes = [(v, kind) for v in value] if isinstance(value, list) else [(value, kind)]
        elif p.first and present.isdisjoint(p.first):
            continue
        else:
            nodes = p.nodes(resource)
            if not nodes:
                continue
        code, convert = p.code, p.convert
        seen: set[tuple[Any, ...]] = set()
        found: list[tuple[Any, ...]] = []
        for node, kind in nodes:
            for row in convert(node, kind):
                if row not in seen:
                    seen.add(row)
                    found.append((code, *row))
        if found:
            table = tables.get(p.kind)
            if table is None:
                tables[p.kind] = found
            else:
                table.extend(found)
    for kind, row in grouped_rows(resource_type, resource):
        out.add(kind, row)
    out.patients = _patients(resource_type, resource, out)
    return out


def _patients(resource_type: str, resource: Mapping[str, Any], out: IndexRows) -> set[str]:
    if resource_type == "Patient" and resource.get("id"):
        return {str(resource["id"])}
    links = set(compartment_params(resource_type))
    if not links:
        return set()
    # Relative references only: an absolute one names a patient of another server, even when a
    # local Patient has the same id (default deny, DESIGN D3). Ours are all stored relative.
    return {
        row[2]
        for row in out.rows.get("reference", ())
        if row[0] in links and row[1] == "Patient" and row[3] is None
    }
