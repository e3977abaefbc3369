"""``_include`` and ``_revinclude``: one query per directive and iteration, restricted in SQL.

Included resources pass the same access restriction as matches (DESIGN D3): a reference
to a resource the caller may not read never brings it in.
https://hl7.org/fhir/R4/search.html#include
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from gateway.search.results import Include
from gateway.store.index_tables import search_reference
from gateway.store.search.query import Hit, Restrict
from gateway.store.tables import resource


def forward(
    conn: Connection, inc: Include, hits: Sequence[Hit], restrict: Restrict, limit: int
) -> list[Hit]:
    """Resources referenced by ``hits`` of the directive's source type through its params.

    Two statements: the references of the page (by rid), then the targets by (type, id), so
    no planner can start from a popular target and walk every reference to it.
    """
    rids = [h.rid for h in hits if h.resource_type == inc.source]
    types = inc.targets()
    if not rids or not types:
        return []
    ref = search_reference.c
    pairs = conn.execute(
        select(ref.target_type, ref.target_id)
        .where(
            ref.rid.in_(rids),  # rids imply the source type: the rid index serves this
            ref.param.in_([p.code for p in inc.params]),
            ref.url.is_(None),  # relative only: another server's Type/id is not our resource
        )
        .distinct()
    ).all()
    by_type: dict[str, list[str]] = {}
    for rtype, rid in pairs:  # target types filtered here: an index on them would mislead
        if rtype in types:
            by_type.setdefault(rtype, []).append(rid)
    if not by_type:
        return []
    wanted = or_(
        *(
            and_(resource.c.res_type == t, resource.c.res_id.in_(ids), restrict(t, resource))
            for t, ids in by_type.items()
        )
    )
    return _fetch(conn, wanted, limit)


def reverse(
    conn: Connection, inc: Include, hits: Sequence[Hit], restrict: Restrict, limit: int
) -> list[Hit]:
    """Resources of the directive's source type whose params refer to any of ``hits``."""
    ref = search_reference.c
    by_type: dict[str, list[str]] = {}
    for hit in hits:
        if inc.target is None or hit.resource_type == inc.target:
            by_type.setdefault(hit.resource_type, []).append(hit.resource_id)
    if not by_type:
        return []
    pointing = select(ref.rid).where(
        ref.res_type == inc.source,
        ref.param.in_([p.code for p in inc.params]),
        or_(*(and_(ref.target_type == t, ref.target_id.in_(ids)) for t, ids in by_type.items())),
        ref.url.is_(None),
    )
    condition = and_(
        resource.c.res_type.concat("") == inc.source,  # drive from ``pointing``, not the type
        resource.c.rid.in_(pointing),
        restrict(inc.source, resource),
    )
    return _fetch(conn, condition, limit)


def _fetch(conn: Connection, condition: Any, limit: int) -> list[Hit]:
    statement = (
        select(resource.c.rid, resource.c.res_type, resource.c.res_id, resource.c.body)
        .where(condition, resource.c.deleted.is_(False))
        .order_by(resource.c.rid)
        .limit(limit)
    )
    return [Hit(r[0], r[1], r[2], bytes(r[3])) for r in conn.execute(statement)]
