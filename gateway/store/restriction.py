"""Access restriction as SQL: an AccessContext becomes a condition on a resource row (DESIGN D3).

The condition is ANDed into the main search query and into every _include, _revinclude,
chain and _has subquery; reads call :func:`visible`. Default deny: a type without a grant
carrying the interaction letter matches nothing. Compartment membership comes from the
``search_compartment`` rows written at index time, so the check is one indexed lookup.
https://hl7.org/fhir/R4/compartmentdefinition-patient.html
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import BindParameter

from auth.context import DIRECTORY_TYPES, AccessContext, TypeGrant
from gateway.errors import InvalidSearch
from gateway.search.parse import ParseContext, UnknownParameter, criterion
from gateway.search.registry import in_patient_compartment
from gateway.store.index_tables import search_compartment, search_reference
from gateway.store.search.criteria import criterion_clause
from gateway.store.tables import resource


def restrict(
    ctx: AccessContext, resource_type: str, res: FromClause, interaction: str = "s"
) -> ColumnElement[bool]:
    """The condition a row of ``resource_type`` (table or alias ``res``) must meet for ``ctx``."""
    if ctx.kind == "internal":
        return true()
    grant = ctx.grant_for(resource_type)
    if grant is None or interaction not in grant.interactions:
        return false()
    parts: list[ColumnElement[bool]] = []
    if ctx.kind == "patient":
        parts.append(_compartment(ctx, resource_type, res))
    if grant.filters:
        parts.append(_filters(ctx, resource_type, res, grant))
    return and_(true(), *parts)


def _compartment(ctx: AccessContext, resource_type: str, res: FromClause) -> ColumnElement[bool]:
    """Patient: own compartment; directory types: all; other types: referenced from it."""
    pid = ctx.patient_id
    if not pid:
        return false()
    pid_bind: BindParameter[str] = bindparam(
        "ctx_pid", pid
    )  # named: compiled statements are reused per shape
    if resource_type == "Patient":
        return res.c.res_id == pid_bind
    if in_patient_compartment(resource_type):
        members = select(search_compartment.c.rid).where(
            search_compartment.c.patient_id == pid_bind
        )
        return res.c.rid.in_(members)
    if resource_type in DIRECTORY_TYPES:
        return true()
    ref, member = search_reference.c, search_compartment.c
    referenced = (
        select(ref.target_id)
        .join(search_compartment, member.rid == ref.rid)
        .where(member.patient_id == pid_bind, ref.target_type == resource_type)
    )
    return res.c.res_id.in_(referenced)


def _filters(
    ctx: AccessContext, resource_type: str, res: FromClause, grant: TypeGrant
) -> ColumnElement[bool]:
    """Granular scopes: alternatives OR-ed, each a conjunction of search criteria."""
    pc = ParseContext(base_url="")
    alternatives = []
    for alternative in grant.filters:
        try:
            parsed = [criterion(resource_type, key, value, pc) for key, value in alternative]
        except (UnknownParameter, InvalidSearch):
            continue  # a filter we cannot evaluate grants nothing (fail closed)
        alternatives.append(and_(true(), *(criterion_clause(c, res, _nested(ctx)) for c in parsed)))
    return or_(false(), *alternatives)


def _nested(ctx: AccessContext) -> Any:
    def nested(resource_type: str, res: FromClause) -> ColumnElement[bool]:
        return restrict(ctx, resource_type, res)

    return nested


def visible(conn: Connection, ctx: AccessContext, resource_type: str, rid: int) -> bool:
    """True when ``ctx`` may read resource ``rid`` (one indexed query; none for internal)."""
    if ctx.kind == "internal":
        return True
    grant = ctx.grant_for(resource_type)
    if ctx.kind != "patient" and grant is not None and not grant.filters:
        # No compartment and no granular filter: the type grant (already checked) decides.
        return True
    condition = restrict(ctx, resource_type, resource, "r")
    statement = select(literal(1)).where(resource.c.rid == rid, condition)
    return conn.execute(statement).first() is not None
