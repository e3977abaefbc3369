"""Date ranges for indexing and search: a FHIR date/dateTime/instant becomes [low, high].

A value's range runs from its start to the end of its precision (``2024`` is the whole year,
a full dateTime to the end of its last given digit). Times without a zone are taken as UTC.
Bounds are UTC text of fixed width, so they compare as strings on every backend.
https://hl7.org/fhir/R4/search.html#date
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, lru_cache

LOW = "0001-01-01T00:00:00.000000"
HIGH = "9999-12-31T23:59:59.999999"

_PATTERN = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<tz>Z|[+\- ]\d{2}:\d{2})?)?)?)?$"
)


class DateFormatError(ValueError):
    """The text is not a FHIR date, dateTime or instant."""


def text(value: datetime) -> str:
    """The fixed-width UTC text of an aware datetime.

    ``isoformat`` rather than ``strftime``: it is faster and keeps four year digits before
    the year 1000 (glibc's ``%Y`` does not, which broke the fixed width).
    """
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


@lru_cache(maxsize=16384)
def date_range(value: str) -> tuple[str, str]:
    """The [low, high] UTC text range covered by a FHIR date, dateTime or instant.

    Cached: a resource often carries one date under several parameters, and loads repeat
    dates (service dates, birth dates) across resources.
    """
    match = _PATTERN.match(value.strip())
    if not match:
        raise DateFormatError(value)
    try:
        start, end = _bounds(match.groupdict())
    except (ValueError, OverflowError):
        raise DateFormatError(value) from None
    return _clip(start), _clip(end)


def _bounds(g: dict[str, str | None]) -> tuple[datetime, datetime]:
    year, month, day = int(g["y"] or 0), int(g["m"] or 1), int(g["d"] or 1)
    if g["H"] is None:
        start = datetime(year, month, day, tzinfo=UTC)
        if g["d"]:
            return start, start + timedelta(days=1, microseconds=-1)
        if g["m"]:
            following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            return start, following - timedelta(microseconds=1)
        return start, datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    fraction = (g["f"] or "")[:6]
    start = datetime(
        year,
        month,
        day,
        int(g["H"]),
        int(g["M"] or 0),
        int(g["S"] or 0),
        int(fraction.ljust(6, "0")) if fraction else 0,
        tzinfo=_zone(g["tz"]),
    )
    if g["S"] is None:
        width = timedelta(minutes=1)
    else:
        width = timedelta(microseconds=10 ** (6 - len(fraction)))
    return start, start + width - timedelta(microseconds=1)


@cache
def _zone(tz: str | None) -> timezone:
    if not tz or tz == "Z":
        return UTC
    # A "+" in a query string arrives as a space when the client did not encode it.
    sign = -1 if tz[0] == "-" else 1
    hours, minutes = int(tz[1:3]), int(tz[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _clip(value: datetime) -> str:
    return text(value)
