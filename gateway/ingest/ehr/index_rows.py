"""Search-index rows of EHR resources, extracted before the pipeline rewrites them.

Index extraction (:func:`gateway.search.extract.extract`) is a large share of an import's CPU
and needs no database, so the import job runs it in worker processes on the resource as sent,
each conditional reference (``Type?identifier=...``) under a typed stand-in so that
parameters filtered by target type see it. The job's process then swaps in what the pipeline
changed: reference targets (now stored ids) and ``meta.source``. The result equals
``extract()`` of the stored body (tests/unit/ehr/test_index_rows.py); ``_id`` and
``_lastUpdated`` are not index rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from gateway.ingest.ehr.references import rewrite
from gateway.search.extract import IndexRows, extract
from gateway.search.registry import compartment_params
from gateway.search.values import parse_reference

_Target = tuple[str | None, str | None, str | None]  # a reference row's (type, id, url)


@lru_cache(maxsize=4096)  # bounded: memory stays flat over a long import
def stand_in(reference: str) -> str:
    """The form a reference is extracted under: a conditional one becomes ``Type/c-<hash>``."""
    head, conditional, _query = reference.partition("?")
    if not conditional or "/" in head or not head[:1].isupper():
        return reference
    return f"{head}/c-{hashlib.blake2b(reference.encode(), digest_size=16).hexdigest()}"


def prepared_rows(resource: Mapping[str, Any], references: Iterable[str]) -> IndexRows:
    """The rows of ``resource`` as sent (``references``: its reference strings), conditional
    references under their stand-ins."""
    if any(stand_in(ref) != ref for ref in references):
        resource = rewrite(resource, stand_in)
    return extract(str(resource["resourceType"]), resource)


def stored_rows(
    rows: IndexRows, resource_type: str, resolved: Mapping[str, str], source_uri: str
) -> IndexRows:
    """``rows`` made right for the stored body: references as ``resolved``, the new source."""
    targets = {_target(stand_in(old)): _target(new) for old, new in resolved.items()}
    out = IndexRows()
    for kind, kind_rows in rows.rows.items():
        if kind == "reference":
            moved = ((r[0], *targets.get(r[1:4], r[1:4]), *r[4:]) for r in kind_rows)
            out.rows[kind] = list(dict.fromkeys(moved))  # two sent forms may now be one
        elif kind == "uri":
            out.rows[kind] = [r for r in kind_rows if r[0] != "_source"]
        else:
            out.rows[kind] = kind_rows  # nothing the pipeline changes is in these
    for kind, kind_rows in _source_rows(resource_type, source_uri).items():
        out.rows.setdefault(kind, []).extend(kind_rows)
    links = compartment_params(resource_type)
    out.patients = {
        r[2] for r in out.rows.get("reference", ()) if r[0] in links and r[1] == "Patient"
    }
    return out


@lru_cache(maxsize=4096)
def _target(reference: str) -> _Target:
    """What a reference row holds of ``reference`` (as ``gateway.search.values`` writes it)."""
    rtype, rid, url = parse_reference(reference)
    return rtype, rid, url[:512] if url else None


@lru_cache(maxsize=256)
def _source_rows(resource_type: str, source_uri: str) -> dict[str, list[tuple[Any, ...]]]:
    meta = {"resourceType": resource_type, "meta": {"source": source_uri}}
    rows = extract(resource_type, meta).rows
    return {k: [r for r in v if r[0] == "_source"] for k, v in rows.items()}
