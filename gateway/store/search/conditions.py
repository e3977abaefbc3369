"""SQL conditions for one parsed search value on one index table (pure SQLAlchemy Core).

https://hl7.org/fhir/R4/search.html#ptypes ; date prefixes follow CONFORMANCE 2.4 exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal, not_, or_, true
from sqlalchemy.sql.expression import ColumnClause

from gateway.search.terms import DateTerm, NumberTerm, ReferenceTerm, Term, TextTerm, TokenTerm
from gateway.store.index_tables import (
    search_date,
    search_number,
    search_quantity,
    search_reference,
    search_string,
    search_token,
    search_uri,
)

TOP = "\U0010ffff"
Column = ColumnElement[Any] | ColumnClause[Any]


def starts_with(column: Column, prefix: str) -> ColumnElement[bool]:
    """An index-friendly prefix test (a range on the binary/"C" collated column)."""
    return and_(column >= prefix, column < prefix + TOP)


def date_condition(low: Column, high: Column, term: DateTerm, bound: Any = None) -> Any:
    """CONFORMANCE 2.4: eq contains, gt/lt on the ends, sa/eb strictly after/before, ap overlap."""
    s_low, s_high = (bound(term.low), bound(term.high)) if bound else (term.low, term.high)
    eq = and_(low >= s_low, high <= s_high)
    conditions = {
        "eq": eq,
        "ne": not_(eq),
        "gt": high > s_high,
        "lt": low < s_low,
        "ge": or_(high > s_high, eq),
        "le": or_(low < s_low, eq),
        "sa": low > s_high,
        "eb": high < s_low,
        "ap": and_(low <= s_high, high >= s_low),
    }
    return conditions[term.prefix]


def instant(text: str) -> datetime:
    """A bound text (see gateway.search.dates) as an aware datetime, for timestamp columns."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def number_condition(value: Column, term: NumberTerm) -> ColumnElement[bool]:
    """Number prefixes; ``eq`` uses the precision implied by the digits given."""
    margin = abs(term.value) * 0.1
    conditions: dict[str, ColumnElement[bool]] = {
        "eq": and_(value >= term.low, value < term.high),
        "ne": or_(value < term.low, value >= term.high),
        "gt": value > term.value,
        "lt": value < term.value,
        "ge": value >= term.value,
        "le": value <= term.value,
        "sa": value > term.value,
        "eb": value < term.value,
        "ap": and_(value >= term.value - margin, value <= term.value + margin),
    }
    return conditions[term.prefix]


def token_condition(term: Term, modifier: str | None) -> ColumnElement[bool]:
    """A token value: code (case-insensitive for codes, exact for identifiers), system."""
    t = search_token.c
    if isinstance(term, TextTerm):
        return starts_with(t.text, term.folded)
    assert isinstance(term, TokenTerm)
    parts: list[ColumnElement[bool]] = []
    if term.type_system is not None or term.type_code is not None:
        parts += [t.type_system == term.type_system, t.type_code == term.type_code]
    if term.code is not None:
        lower = term.code.lower()
        parts.append(t.code.in_({term.code, lower}))
        parts.append(
            or_(and_(t.ci.is_(True), t.code == lower), and_(t.ci.is_(False), t.code == term.code))
        )
    if term.system == "":
        parts.append(t.system.is_(None))
    elif term.system is not None:
        parts.append(t.system == term.system)
    return and_(true(), *parts)


def string_condition(term: Term, modifier: str | None) -> ColumnElement[bool]:
    """Starts-with on the folded text; ``:exact`` on the original; ``:contains`` anywhere."""
    assert isinstance(term, TextTerm)
    s = search_string.c
    if modifier == "exact":
        return s.exact == term.text
    if modifier == "contains":
        escaped = term.folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return s.value.like(f"%{escaped}%", escape="\\")
    return starts_with(s.value, term.folded)


def reference_condition(term: Term, modifier: str | None) -> ColumnElement[bool]:
    """Local type/id, bare id, absolute or canonical URL, or ``:identifier``."""
    r = search_reference.c
    if isinstance(term, TokenTerm):
        ident = [r.ident_value == term.code]
        if term.system:
            ident.append(r.ident_system == term.system)
        return and_(*ident)
    assert isinstance(term, ReferenceTerm)
    if term.id is not None:
        same_id = r.target_id == term.id
        return and_(same_id, r.target_type == term.type) if term.type else same_id
    if term.url is None:
        return false()
    bare = term.url.split("|")[0]
    return or_(r.url == term.url, r.url == bare, starts_with(r.url, bare + "|"))


def quantity_condition(term: Term, modifier: str | None) -> ColumnElement[bool]:
    """Number prefixes on the value, then the unit's system and code when given."""
    assert isinstance(term, NumberTerm)
    q = search_quantity.c
    parts = [number_condition(q.value, term)]
    if term.code:
        parts.append(q.code == term.code)
    if term.system:
        parts.append(q.system == term.system)
    return and_(*parts)


def uri_condition(term: Term, modifier: str | None) -> ColumnElement[bool]:
    """Exact, ``:below`` (stored starts with value) or ``:above`` (value starts with stored)."""
    assert isinstance(term, TextTerm)
    u = search_uri.c
    if modifier == "below":
        return starts_with(u.value, term.text)
    if modifier == "above":
        return and_(
            func.length(u.value) <= len(term.text),
            literal(term.text).startswith(u.value, autoescape=False),
        )
    return u.value == term.text


def date_value_condition(term: Term, modifier: str | None) -> Any:
    """A date value against the index row's [low, high]."""
    assert isinstance(term, DateTerm)
    return date_condition(search_date.c.low, search_date.c.high, term)


def number_value_condition(term: Term, modifier: str | None) -> ColumnElement[bool]:
    """A number value against the index row."""
    assert isinstance(term, NumberTerm)
    return number_condition(search_number.c.value, term)


VALUE_CONDITIONS = {
    "token": token_condition,
    "string": string_condition,
    "reference": reference_condition,
    "quantity": quantity_condition,
    "uri": uri_condition,
    "date": date_value_condition,
    "number": number_value_condition,
}
