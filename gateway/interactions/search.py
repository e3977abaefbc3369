"""The search interaction: type-level and system-level (``_type``) searches (DESIGN D2-D4).

Parse (pure), compile into one restricted SQL query with keyset paging, fetch includes
through the same restriction, and splice the stored bytes into a searchset Bundle.
https://hl7.org/fhir/R4/search.html
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause

from auth.context import AccessContext
from config import Settings
from gateway.errors import InvalidSearch
from gateway.interactions import searchset
from gateway.interactions.guard import require, require_type
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.interactions.patient_scope import require_own_patient
from gateway.search import paging, results
from gateway.search.parse import Criterion, ParseContext, criteria
from gateway.search.registry import in_patient_compartment
from gateway.search.results import ResultOptions
from gateway.store.restriction import restrict
from gateway.store.search import fastpath
from gateway.store.search import includes as include_sql
from gateway.store.search.criteria import all_of, all_values, drivable
from gateway.store.search.query import (
    Hit,
    MainQuery,
    base_condition,
    sort_expression,
    to_hits,
)
from gateway.store.tables import resource


def _types(request: FhirRequest, params: Sequence[tuple[str, str]]) -> list[str]:
    if request.resource_type:
        return [request.resource_type]
    named = [t for v in (v for k, v in params if k == "_type") for t in v.split(",") if t]
    if not named:
        raise InvalidSearch("a system-level search needs _type", expression=["_type"])
    return list(dict.fromkeys(named))


def _parse(
    types: list[str], params: Sequence[tuple[str, str]], base_url: str, strict: bool
) -> tuple[dict[str, list[Criterion]], list[str]]:
    per_type: dict[str, list[Criterion]] = {}
    unknown_by_type: list[set[str]] = []
    for rtype in types:
        pc = ParseContext(base_url)
        per_type[rtype] = criteria(rtype, params, pc)
        unknown_by_type.append(set(pc.unknown))
    unknown = set.union(*unknown_by_type)
    partial = unknown - unknown_by_type[0].intersection(*unknown_by_type[1:])
    if partial:
        name = sorted(partial)[0]
        raise InvalidSearch(f"{name} is not defined for every _type", expression=[name])
    if unknown and strict:
        name = sorted(unknown)[0]
        raise InvalidSearch(f"unknown search parameter {name}", expression=[name])
    return per_type, sorted(unknown)


def _strict(request: FhirRequest) -> bool:
    prefer = (request.header("prefer") or "").replace(" ", "").lower()
    return "handling=strict" in prefer.split(",")


def _where(
    ctx: AccessContext,
    per_type: dict[str, list[Criterion]],
    interaction: str = "s",
    named: bool = False,
) -> ColumnElement[bool]:
    def scoped(rtype: str, res: FromClause) -> ColumnElement[bool]:
        return restrict(ctx, rtype, res, interaction)

    return or_(
        *(
            and_(
                base_condition([t], not (drivable(found) or _compartment_drives(ctx, t))),
                all_of(found, resource, scoped, named),
                scoped(t, resource),
            )
            for t, found in per_type.items()
        )
    )


def _compartment_drives(ctx: AccessContext, rtype: str) -> bool:
    """A patient's compartment is small: it can drive the query for compartment types."""
    return ctx.kind == "patient" and in_patient_compartment(rtype)


def search(
    request: FhirRequest, ctx: AccessContext, conn: Connection, settings: Settings
) -> FhirResponse:
    """Answer a search with a searchset Bundle built from the stored bytes."""
    token = paging.request_token(request.params)
    params = [(k, v) for k, v in token.params if k != paging.PAGE_PARAM]
    types = _types(request, params)
    for rtype in types:
        require_type(rtype)
        require(ctx, rtype, "s")
        require_own_patient(ctx, rtype, params)
    per_type, unknown = _parse(types, params, request.base_url, _strict(request))
    opts = results.options(types, params, settings)
    if len(types) > 1 and any(k.param is not None for k in opts.sort):
        raise InvalidSearch(
            "a multi-type search sorts by _id or _lastUpdated", expression=["_sort"]
        )
    kept = tuple((k, v) for k, v in params if k not in unknown)
    base = (
        f"{request.base_url}/{request.resource_type}" if request.resource_type else request.base_url
    )
    if opts.summary == "count":
        counted = _main(ctx, types, per_type, opts).total(conn)
        return FhirResponse(200, searchset.bundle([], [("self", _url(base, kept))], counted))
    hits, more = _page(conn, ctx, types, per_type, opts, token) if opts.count else ([], False)
    total = _main(ctx, types, per_type, opts).total(conn) if opts.total == "accurate" else None
    prefix = f"{request.base_url}/"
    if opts.summary or opts.elements:
        entries = [
            (
                f"{prefix}{h.resource_type}/{h.resource_id}",
                searchset.shape(h.body, h.resource_type, opts.summary, opts.elements),
                "match",
            )
            for h in hits
        ]
    else:  # the common case: stored bytes as they are
        entries = [(f"{prefix}{h.resource_type}/{h.resource_id}", h.body, "match") for h in hits]
    entries += _included(conn, ctx, opts, hits, request.base_url, settings)
    links = _links(base, kept, token, hits, more)
    ids = tuple(url[len(prefix) :] for url, _, mode in entries if mode != "outcome")
    return FhirResponse(200, searchset.bundle(entries, links, total), resource_ids=ids)


def _main(
    ctx: AccessContext,
    types: list[str],
    per_type: dict[str, list[Criterion]],
    opts: ResultOptions,
    named: bool = False,
) -> MainQuery:
    sort = [(sort_expression(types[0], k, resource), k.descending) for k in opts.sort]
    return MainQuery(_where(ctx, per_type, named=named), sort, opts.count)


def _page(
    conn: Connection,
    ctx: AccessContext,
    types: list[str],
    per_type: dict[str, list[Criterion]],
    opts: ResultOptions,
    token: paging.PageToken,
) -> tuple[list[Hit], bool]:
    """One page; plain searches reuse a compiled statement per shape (fastpath)."""
    found = per_type[types[0]]
    if len(types) > 1 or opts.sort or not fastpath.eligible(found):
        return _main(ctx, types, per_type, opts).page(conn, token.cursor, token.backwards)
    key = (
        types[0],
        fastpath.shape(found),
        fastpath.context_shape(ctx),
        opts.count,
        token.cursor is None,
        token.backwards,
    )
    values = all_values(found)
    if ctx.patient_id is not None:
        values["ctx_pid"] = ctx.patient_id
    if token.cursor is not None:
        values["cursor"] = token.cursor

    def build() -> Select[Any]:
        main = _main(ctx, types, per_type, opts, named=True)
        return main.statement(conn, token.cursor, token.backwards)

    return to_hits(fastpath.rows(conn, key, build, values), opts.count, token.backwards)


def _url(base: str, params: Sequence[tuple[str, str]]) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def _links(
    base: str,
    kept: tuple[tuple[str, str], ...],
    token: paging.PageToken,
    hits: list[Hit],
    more: bool,
) -> list[tuple[str, str]]:
    """Absolute self, first, previous and next links; page links carry an opaque token."""

    def page(cursor: int | None, backwards: bool) -> str:
        encoded = paging.encode(paging.PageToken(kept, cursor, backwards))
        return f"{base}?{paging.PAGE_PARAM}={encoded}"  # the token is URL-safe

    self_url = _url(base, kept) if token.cursor is None else page(token.cursor, token.backwards)
    links = [("self", self_url), ("first", page(None, False))]
    has_previous = token.cursor is not None and (not token.backwards or more)
    has_next = bool(hits) and (more or token.backwards)
    if has_previous and hits:
        links.append(("previous", page(hits[0].rid, True)))
    if has_next:
        links.append(("next", page(hits[-1].rid, False)))
    return links


def _included(
    conn: Connection,
    ctx: AccessContext,
    opts: ResultOptions,
    hits: list[Hit],
    base_url: str,
    settings: Settings,
) -> list[tuple[str, bytes, str]]:
    if not opts.includes or not hits:
        return []
    limit = int(settings["SEARCH_MAX_INCLUDES"])

    def readable(rtype: str, res: FromClause) -> ColumnElement[bool]:
        return restrict(ctx, rtype, res, "r")

    seen = {h.rid for h in hits}
    found: list[Hit] = []
    frontier, first, truncated = hits, True, False
    while frontier and not truncated:
        fresh: list[Hit] = []
        for inc in (i for i in opts.includes if first or i.iterate):
            run = include_sql.reverse if inc.reverse else include_sql.forward
            for hit in run(conn, inc, frontier, readable, limit - len(found) - len(fresh) + 1):
                if hit.rid not in seen:
                    seen.add(hit.rid)
                    fresh.append(hit)
        truncated = len(found) + len(fresh) > limit
        found += fresh[: limit - len(found)]
        frontier, first = fresh, False
    entries = [(f"{base_url}/{h.resource_type}/{h.resource_id}", h.body, "include") for h in found]
    if truncated:
        entries.append(
            searchset.outcome_entry(
                f"more than {limit} resources were to be included; the rest were left out"
            )
        )
    return entries


def matching_ids(
    conn: Connection,
    resource_type: str,
    params: Sequence[tuple[str, str]],
    ctx: AccessContext,
    limit: int = 2,
) -> list[str]:
    """Ids of up to ``limit`` visible resources matching ``params`` (conditional writes)."""
    pc = ParseContext(base_url="")
    found = criteria(resource_type, params, pc)
    if pc.unknown:
        name = pc.unknown[0]
        raise InvalidSearch(f"unknown search parameter {name}", expression=[name])
    main = MainQuery(_where(ctx, {resource_type: found}), [], limit)
    hits, _more = main.page(conn, None, False)
    return [h.resource_id for h in hits]
