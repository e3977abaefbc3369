"""Turn extracted FHIR elements into index rows, one converter per parameter type.

Rows leave out the parameter code: string (folded, exact); token (system, code, ci, text,
type_system, type_code); reference (type, id, url, identifier system, identifier value);
date (low, high); number (value,); quantity (value, system, code); uri (value,);
position (latitude, longitude, x, y, z).
https://hl7.org/fhir/R4/search.html#ptypes
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from gateway.search.dates import HIGH, LOW, DateFormatError, date_range

Row = tuple[Any, ...]
MAX_TEXT = 255
_REFERENCE = re.compile(
    r"^(?:(?P<base>https?://\S+?)/)?(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})"
    r"(?:/_history/[^/]+)?$"
)
_PRIMITIVE_CHOICES = {"DateTime": "dateTime", "Date": "date", "Instant": "instant"}


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a string (for prefix and contains searches)."""
    if text.isascii():  # NFKD leaves ASCII alone and casefold is lower there: the common case
        return text.lower()[:MAX_TEXT]
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()[:MAX_TEXT]


def choice_type(suffix: str) -> str:
    """The FHIR type named by a ``value[x]`` key suffix (``DateTime`` -> ``dateTime``)."""
    return _PRIMITIVE_CHOICES.get(
        suffix,
        suffix[:1].lower() + suffix[1:]
        if suffix in ("String", "Code", "Boolean", "Uri", "Canonical", "Decimal", "Integer")
        else suffix,
    )


def parse_reference(text: str) -> tuple[str | None, str | None, str | None]:
    """(type, id, absolute url) of a reference string; canonical and other URLs keep url only."""
    match = _REFERENCE.match(text)
    absolute = text if "://" in text or text.startswith("urn:") else None
    if match:
        return match.group("type"), match.group("id"), absolute
    return None, None, text


def reference_type(item: Any) -> str | None:
    """The type named by a Reference element (``reference`` or ``type``), if any."""
    if not isinstance(item, dict):
        return None
    ref = item.get("reference")
    if isinstance(ref, str):
        return parse_reference(ref)[0]
    kind = item.get("type")
    return kind if isinstance(kind, str) else None


# The parts a HumanName or Address string search matches (CONFORMANCE 2.4, exactly): an
# Address by text, city, state, postalCode, country (not line or district, so a city search
# never returns a street named after it); a HumanName by text, family, given, prefix, suffix.
_SINGLE_PARTS = ("text", "family", "city", "state", "postalCode", "country")
_LIST_PARTS = ("given", "prefix", "suffix")


def _strings(node: Any, kind: str | None) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key in _SINGLE_PARTS:
            if isinstance(node.get(key), str):
                yield node[key]
        for key in _LIST_PARTS:
            yield from (v for v in _list(node.get(key)) if isinstance(v, str))


def _list(value: Any) -> list[Any]:
    """A repeating element's items; anything else (a malformed body) has none."""
    return value if isinstance(value, list) else []


def string_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a string parameter (HumanName and Address contribute each part)."""
    for text in _strings(node, kind):
        yield fold(text), text[:512]


def token_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a token parameter: code, Coding, CodeableConcept, Identifier, ContactPoint."""
    if isinstance(node, bool):
        yield None, "true" if node else "false", True, None, None, None
    elif isinstance(node, str | int | float):
        yield None, str(node).lower()[:MAX_TEXT], True, None, None, None
    elif isinstance(node, dict):
        yield from _complex_token(node, kind)


def _complex_token(node: dict[str, Any], kind: str | None) -> Iterator[Row]:
    if kind == "Identifier" or (kind is None and "value" in node and "use" not in node):
        yield from _identifier(node)
    elif kind == "ContactPoint" or (kind is None and "value" in node):
        if isinstance(node.get("value"), str):
            yield None, node["value"][:MAX_TEXT], False, None, None, None
    elif kind == "CodeableConcept" or "coding" in node or (kind is None and "text" in node):
        for coding in _list(node.get("coding")):
            if isinstance(coding, dict):
                yield from _coding(coding, node.get("text"))
        if isinstance(node.get("text"), str):
            yield None, None, True, fold(node["text"]), None, None
    else:
        yield from _coding(node, None)


def _coding(coding: dict[str, Any], text: str | None) -> Iterator[Row]:
    code = coding.get("code")
    display = coding.get("display") or text
    yield (
        coding.get("system"),
        code.lower()[:MAX_TEXT] if isinstance(code, str) else None,
        True,
        fold(display) if isinstance(display, str) else None,
        None,
        None,
    )


def _identifier(node: dict[str, Any]) -> Iterator[Row]:
    value = node.get("value")
    if not isinstance(value, str):
        return
    kind: dict[str, Any] = node["type"] if isinstance(node.get("type"), dict) else {}
    types = [c for c in _list(kind.get("coding")) if isinstance(c, dict)]
    text = kind.get("text")
    folded = fold(text) if isinstance(text, str) else None
    for coding in types or [{}]:
        yield (
            node.get("system"),
            value[:MAX_TEXT],
            False,
            folded,
            coding.get("system"),
            coding.get("code"),
        )


def reference_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a reference parameter: literal references, identifiers, canonical URLs."""
    if isinstance(node, str):
        yield None, None, node[:512], None, None
        return
    if not isinstance(node, dict):
        return
    ref = node.get("reference")
    ident: dict[str, Any] = node["identifier"] if isinstance(node.get("identifier"), dict) else {}
    if isinstance(ref, str) and not ref.startswith("#"):
        rtype, rid, url = parse_reference(ref)
        yield rtype, rid, url[:512] if url else None, ident.get("system"), ident.get("value")
    elif ident.get("value"):
        yield None, None, None, ident.get("system"), ident.get("value")


def date_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a date parameter: date, dateTime, instant, Period, Timing."""
    if isinstance(node, str):
        yield from _range(node)
    elif isinstance(node, dict):
        if "start" in node or "end" in node:
            yield _period(node)
        for event in _list(node.get("event")):
            yield from _range(event)
        repeat = node.get("repeat")
        bounds = repeat.get("boundsPeriod") if isinstance(repeat, dict) else None
        if isinstance(bounds, dict):
            yield _period(bounds)


def _range(value: Any) -> Iterator[Row]:
    try:
        yield date_range(str(value))
    except DateFormatError:
        return


def _period(period: dict[str, Any]) -> Row:
    low = next(_range(period["start"]), (LOW, LOW))[0] if period.get("start") else LOW
    high = next(_range(period["end"]), (HIGH, HIGH))[1] if period.get("end") else HIGH
    return low, high


def number_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a number parameter."""
    if isinstance(node, int | float) and not isinstance(node, bool):
        yield (float(node),)


def quantity_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a quantity parameter: Quantity (and Age, Duration, ...) and Money."""
    if not isinstance(node, dict) or not isinstance(node.get("value"), int | float):
        return
    value = float(node["value"])
    if node.get("currency"):
        yield value, "urn:iso:std:iso:4217", node["currency"]
        return
    code = node.get("code") or node.get("unit")
    yield value, node.get("system"), code
    if node.get("unit") and node.get("unit") != code:
        yield value, node.get("system"), node["unit"]


def uri_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of a uri parameter."""
    if isinstance(node, str):
        yield (node[:512],)


def position_rows(node: Any, kind: str | None) -> Iterator[Row]:
    """Rows of ``near``: latitude, longitude and the point's unit vector (x, y, z).

    The vector lets the query test the exact great-circle distance with arithmetic only
    (a dot product against the cosine of the angular distance), on SQLite as on PostgreSQL.
    """
    if not isinstance(node, dict):
        return
    latitude, longitude = _degrees(node.get("latitude")), _degrees(node.get("longitude"))
    if latitude is None or longitude is None:
        return
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        yield latitude, longitude, *unit_vector(latitude, longitude)


def _degrees(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    """The point on the unit sphere at ``latitude``, ``longitude`` (degrees)."""
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


CONVERTERS: dict[str, Callable[[Any, str | None], Iterator[Row]]] = {
    "string": string_rows,
    "token": token_rows,
    "reference": reference_rows,
    "date": date_rows,
    "number": number_rows,
    "quantity": quantity_rows,
    "uri": uri_rows,
    "position": position_rows,
}
