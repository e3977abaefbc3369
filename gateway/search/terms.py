"""Parsed search values, one class per parameter type, with their prefixes and modifiers.

Parsing raises :class:`ValueError` with a message for the client; the caller names the
parameter. https://hl7.org/fhir/R4/search.html#prefix
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gateway.search.dates import DateFormatError, date_range
from gateway.search.values import fold, parse_reference

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")


def split_escaped(text: str, separator: str) -> list[str]:
    """Split on unescaped ``separator`` and resolve ``\\,`` ``\\|`` ``\\$`` ``\\\\`` escapes."""
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch if ch in ",|$\\" else "\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current) + ("\\" if escaped else ""))
    return parts


def _prefix(text: str) -> tuple[str, str]:
    head = text[:2]
    if head in PREFIXES and len(text) > 2 and not text[2].isalpha():
        return head, text[2:]
    if text[:1].isalpha():
        raise ValueError(f"unknown prefix in {text!r}")
    return "eq", text


@dataclass(frozen=True, slots=True)
class DateTerm:
    """A date value: the prefix and the UTC range of the given precision."""

    prefix: str
    low: str
    high: str


@dataclass(frozen=True, slots=True)
class NumberTerm:
    """A number (or quantity) value: prefix, value and its implied precision range."""

    prefix: str
    value: float
    low: float
    high: float
    system: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class TokenTerm:
    """A token value; ``system`` is ``None`` when not given and ``""`` for ``|code``."""

    system: str | None
    code: str | None
    type_system: str | None = None
    type_code: str | None = None


@dataclass(frozen=True, slots=True)
class ReferenceTerm:
    """A reference value: local type and id, or an absolute or canonical URL.

    ``base``: for a local value, the server's base URL when known: a stored absolute
    reference then matches only on that base (CONFORMANCE 2.4: another server's
    ``Practitioner/1`` is not ours).
    """

    type: str | None
    id: str | None
    url: str | None
    base: str | None = None


@dataclass(frozen=True, slots=True)
class TextTerm:
    """A string or uri value, with its folded form."""

    text: str
    folded: str


@dataclass(frozen=True, slots=True)
class NearTerm:
    """A ``near`` value: the point (degrees) and the distance in kilometres."""

    latitude: float
    longitude: float
    km: float


Term = DateTerm | NumberTerm | TokenTerm | ReferenceTerm | TextTerm | NearTerm

# Distance units accepted by ``near``, in UCUM, as kilometres per unit.
# https://hl7.org/fhir/R4/location.html#positional
NEAR_UNITS = {
    "km": 1.0,
    "m": 0.001,
    "[mi_i]": 1.609344,
    "[mi_us]": 1.609347218694,
    "[nmi_i]": 1.852,
    "[yd_i]": 0.0009144,
    "[ft_i]": 0.0003048,
}
# The R4 definition leaves "near" without a distance to the server: we use this many km.
NEAR_DEFAULT_KM = 50.0


def date_term(text: str) -> DateTerm:
    """``[prefix]date``."""
    prefix, rest = _prefix(text)
    try:
        low, high = date_range(rest)
    except DateFormatError:
        raise ValueError(f"{rest!r} is not a valid date") from None
    return DateTerm(prefix, low, high)


def number_term(text: str) -> NumberTerm:
    """``[prefix]number``; precision follows the digits given (100 means [99.5, 100.5))."""
    prefix, rest = _prefix(text)
    try:
        number = Decimal(rest)
    except InvalidOperation:
        raise ValueError(f"{rest!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{rest!r} is not a number")
    half = Decimal(5).scaleb(number.as_tuple().exponent - 1)  # type: ignore[operator]
    return NumberTerm(prefix, float(number), float(number - half), float(number + half))


def quantity_term(text: str) -> NumberTerm:
    """``[prefix]number|system|code`` (system and code optional)."""
    parts = split_escaped(text, "|")
    if len(parts) not in (1, 3):
        raise ValueError("a quantity is number|system|code")
    number = number_term(parts[0])
    system = parts[1] or None if len(parts) == 3 else None
    code = parts[2] or None if len(parts) == 3 else None
    return NumberTerm(number.prefix, number.value, number.low, number.high, system, code)


def token_term(text: str, of_type: bool = False) -> TokenTerm:
    """``code``, ``system|code``, ``|code``, ``system|``; ``:of-type`` is ``system|code|value``."""
    parts = split_escaped(text, "|")
    if of_type:
        if len(parts) != 3 or not parts[2]:
            raise ValueError(":of-type needs system|code|value")
        return TokenTerm(None, parts[2], parts[0] or None, parts[1] or None)
    if len(parts) == 1:
        return TokenTerm(None, parts[0])
    if len(parts) == 2:
        return TokenTerm(parts[0], parts[1] or None)
    raise ValueError("a token is [system|]code")


def reference_term(text: str, base_url: str) -> ReferenceTerm:
    """``id``, ``Type/id``, ``[base]/Type/id`` (local) or any other absolute URL."""
    if text.startswith(base_url + "/"):
        text = text[len(base_url) + 1 :]
    rtype, rid, url = parse_reference(text)
    base = base_url or None
    if rtype and not url:
        return ReferenceTerm(rtype, rid, None, base)
    if url is not None and "/" not in text and ":" not in text:
        return ReferenceTerm(None, text, None, base)
    return ReferenceTerm(None, None, url)


def near_term(text: str) -> NearTerm:
    """``latitude|longitude[|distance[|units]]`` (WGS84 degrees; units UCUM, default km)."""
    parts = split_escaped(text, "|")
    if not 2 <= len(parts) <= 4:
        raise ValueError("near is latitude|longitude|distance|units")
    latitude = _finite(parts[0], "latitude")
    longitude = _finite(parts[1], "longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude must lie in [-90, 90] and longitude in [-180, 180]")
    given = parts[2] if len(parts) > 2 else ""
    unit = (parts[3] if len(parts) > 3 else "") or "km"
    if unit not in NEAR_UNITS:
        raise ValueError(f"unknown distance unit {unit!r} (use UCUM: {', '.join(NEAR_UNITS)})")
    if given == "":
        return NearTerm(latitude, longitude, NEAR_DEFAULT_KM)
    distance = _finite(given, "distance")
    if distance < 0:
        raise ValueError("the distance must not be negative")
    return NearTerm(latitude, longitude, distance * NEAR_UNITS[unit])


def _finite(text: str, name: str) -> float:
    try:
        value = float(Decimal(text))
    except InvalidOperation:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} {text!r} is not a number")
    return value


def text_term(text: str) -> TextTerm:
    """A string or uri value."""
    return TextTerm(text, fold(text))
