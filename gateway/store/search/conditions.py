"""SQL conditions for one parsed search value on one index table (pure SQLAlchemy Core).

Each parameter type has a pure ``*_values(term, modifier)`` giving every value the condition
binds, by name, and a condition builder that reads values only through ``bind(name)``; the
structure depends only on the term's shape (prefix, which parts are given). So a compiled
statement can be reused for another request of the same shape with fresh values
(:mod:`gateway.store.search.fastpath`).
https://hl7.org/fhir/R4/search.html#ptypes ; date prefixes follow CONFORMANCE 2.4 exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, literal, not_, or_
from sqlalchemy.sql.expression import ColumnClause

from gateway.search.near import near_values
from gateway.search.terms import (
    DateTerm,
    NearTerm,
    NumberTerm,
    ReferenceTerm,
    Term,
    TextTerm,
    TokenTerm,
)
from gateway.store.index_tables import (
    search_date,
    search_number,
    search_position,
    search_quantity,
    search_reference,
    search_string,
    search_token,
    search_uri,
)

TOP = "\U0010ffff"
Column = ColumnElement[Any] | ColumnClause[Any]
Bind = Callable[[str], Any]


def binder(values: dict[str, Any], key: str | None) -> Bind:
    """Named binds ``<key><name>`` when ``key`` is given, else anonymous literal binds."""
    if key is None:
        return lambda name: literal(values[name])
    return lambda name: bindparam(key + name, values[name])


def starts_with(column: Column, low: Any, high: Any) -> ColumnElement[bool]:
    """An index-friendly prefix test (a range on the binary/"C" collated column)."""
    return and_(column >= low, column < high)


def date_condition(low: Column, high: Column, prefix: str, s_low: Any, s_high: Any) -> Any:
    """CONFORMANCE 2.4: eq contains, gt/lt on the ends, sa/eb strictly after/before, ap overlap."""
    eq = and_(low >= s_low, high <= s_high)
    conditions: dict[str, Callable[[], Any]] = {
        "eq": lambda: eq,
        "ne": lambda: not_(eq),
        "gt": lambda: high > s_high,
        "lt": lambda: low < s_low,
        "ge": lambda: or_(high > s_high, eq),
        "le": lambda: or_(low < s_low, eq),
        "sa": lambda: low > s_high,
        "eb": lambda: high < s_low,
        "ap": lambda: and_(low <= s_high, high >= s_low),
    }
    return conditions[prefix]()


def instant(text: str) -> datetime:
    """A bound text (see gateway.search.dates) as an aware datetime, for timestamp columns."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def number_values(term: NumberTerm) -> dict[str, Any]:
    """The values a number condition binds."""
    margin = abs(term.value) * 0.1
    return {
        "value": term.value,
        "low": term.low,
        "high": term.high,
        "ap_low": term.value - margin,
        "ap_high": term.value + margin,
        "system": term.system,
        "code": term.code,
    }


def number_condition(value: Column, prefix: str, b: Bind) -> Any:
    """Number prefixes; ``eq`` uses the precision implied by the digits given."""
    conditions: dict[str, Callable[[], Any]] = {
        "eq": lambda: and_(value >= b("low"), value < b("high")),
        "ne": lambda: or_(value < b("low"), value >= b("high")),
        "gt": lambda: value > b("value"),
        "lt": lambda: value < b("value"),
        "ge": lambda: value >= b("value"),
        "le": lambda: value <= b("value"),
        "sa": lambda: value > b("value"),
        "eb": lambda: value < b("value"),
        "ap": lambda: and_(value >= b("ap_low"), value <= b("ap_high")),
    }
    return conditions[prefix]()


def values(kind: str, term: Term, modifier: str | None) -> dict[str, Any]:
    """Every value the condition for ``term`` binds, by name."""
    if isinstance(term, DateTerm):
        return {"low": term.low, "high": term.high}
    if isinstance(term, NumberTerm):
        return number_values(term)
    if isinstance(term, NearTerm):
        return near_values(term)
    if isinstance(term, TextTerm):
        escaped = term.folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return {
            "text": term.text,
            "lo": term.folded,
            "hi": term.folded + TOP,
            "text_hi": term.text + TOP,
            "like": f"%{escaped}%",
            "length": len(term.text),
        }
    if isinstance(term, TokenTerm):
        code = term.code or ""
        return {
            "code": code,
            "lower": code.lower(),
            "system": term.system,
            "type_system": term.type_system,
            "type_code": term.type_code,
        }
    assert isinstance(term, ReferenceTerm)
    bare = (term.url or "").split("|")[0]
    base = (term.base or "") + "/"
    return {
        "type": term.type,
        "id": term.id,
        "url": term.url,
        "bare": bare,
        "bare_lo": bare + "|",
        "bare_hi": bare + "|" + TOP,
        "base_lo": base,
        "base_hi": base + TOP,
    }


def token_condition(term: Term, modifier: str | None, b: Bind) -> ColumnElement[bool]:
    """A token value: code (case-insensitive for codes, exact for identifiers), system."""
    t = search_token.c
    if isinstance(term, TextTerm):
        return starts_with(t.text, b("lo"), b("hi"))
    assert isinstance(term, TokenTerm)
    parts: list[ColumnElement[bool]] = []
    if term.type_system is not None or term.type_code is not None:
        parts += [t.type_system == b("type_system"), t.type_code == b("type_code")]
    if term.code is not None:
        parts.append(t.code.in_([b("code"), b("lower")]))
        parts.append(
            or_(
                and_(t.ci.is_(True), t.code == b("lower")),
                and_(t.ci.is_(False), t.code == b("code")),
            )
        )
    if term.system == "":
        parts.append(t.system.is_(None))
    elif term.system is not None:
        parts.append(t.system == b("system"))
    return and_(*parts)


def string_condition(term: Term, modifier: str | None, b: Bind) -> Any:
    """Starts-with on the folded text; ``:exact`` on the original; ``:contains`` anywhere."""
    s = search_string.c
    if modifier == "exact":
        return s.exact == b("text")
    if modifier == "contains":
        return s.value.like(b("like"), escape="\\")
    return starts_with(s.value, b("lo"), b("hi"))


def reference_condition(term: Term, modifier: str | None, b: Bind) -> Any:
    """Local type/id, bare id, absolute or canonical URL, or ``:identifier``."""
    r = search_reference.c
    if isinstance(term, TokenTerm):
        ident = [r.ident_value == b("code")]
        if term.system:
            ident.append(r.ident_system == b("system"))
        return and_(*ident)
    assert isinstance(term, ReferenceTerm)
    if term.id is not None:
        same = [r.target_id == b("id")]
        if term.type:
            same.append(r.target_type == b("type"))
        if term.base is not None:
            # relative, or absolute on our base: another server's Type/id is not ours
            same.append(or_(r.url.is_(None), starts_with(r.url, b("base_lo"), b("base_hi"))))
        return and_(*same)
    return or_(
        r.url == b("url"), r.url == b("bare"), starts_with(r.url, b("bare_lo"), b("bare_hi"))
    )


def quantity_condition(term: Term, modifier: str | None, b: Bind) -> ColumnElement[bool]:
    """Number prefixes on the value, then the unit's system and code when given."""
    assert isinstance(term, NumberTerm)
    q = search_quantity.c
    parts = [number_condition(q.value, term.prefix, b)]
    if term.code:
        parts.append(q.code == b("code"))
    if term.system:
        parts.append(q.system == b("system"))
    return and_(*parts)


def uri_condition(term: Term, modifier: str | None, b: Bind) -> Any:
    """Exact, ``:below`` (stored starts with value) or ``:above`` (value starts with stored)."""
    u = search_uri.c
    if modifier == "below":
        return starts_with(u.value, b("text"), b("text_hi"))
    if modifier == "above":
        return and_(
            func.length(u.value) <= b("length"),
            b("text").startswith(u.value, autoescape=False),
        )
    return u.value == b("text")


def date_value_condition(term: Term, modifier: str | None, b: Bind) -> Any:
    """A date value against the index row's [low, high]."""
    assert isinstance(term, DateTerm)
    c = search_date.c
    return date_condition(c.low, c.high, term.prefix, b("low"), b("high"))


def number_value_condition(term: Term, modifier: str | None, b: Bind) -> Any:
    """A number value against the index row."""
    assert isinstance(term, NumberTerm)
    return number_condition(search_number.c.value, term.prefix, b)


def near_condition(term: Term, modifier: str | None, b: Bind) -> Any:
    """``near``: the bounding box on the indexed degrees, then the exact great-circle test."""
    p = search_position.c
    return and_(
        p.latitude >= b("lat_lo"),
        p.latitude <= b("lat_hi"),
        or_(
            and_(p.longitude >= b("a_lo"), p.longitude <= b("a_hi")),
            and_(p.longitude >= b("b_lo"), p.longitude <= b("b_hi")),
        ),
        p.x * b("x") + p.y * b("y") + p.z * b("z") >= b("cos_min"),
    )


VALUE_CONDITIONS: dict[str, Callable[[Term, str | None, Bind], Any]] = {
    "token": token_condition,
    "string": string_condition,
    "reference": reference_condition,
    "quantity": quantity_condition,
    "uri": uri_condition,
    "date": date_value_condition,
    "number": number_value_condition,
    "position": near_condition,
}
