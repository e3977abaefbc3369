"""Opaque page tokens for ``next``/``previous`` links (keyset cursors, no values in clear).

A token packs the canonical query parameters, the cursor row id and the direction,
base64url-encoded, so search values such as member identifiers never
appear in a link as plain text. Tampering gains nothing: every page is re-authorised and
restricted by the caller's own token. https://hl7.org/fhir/R4/http.html#paging
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

import orjson

from gateway.errors import InvalidSearch

PAGE_PARAM = "_page"


@dataclass(frozen=True, slots=True)
class PageToken:
    """Where a page starts: the query, the cursor row (``None`` = first page) and direction."""

    params: tuple[tuple[str, str], ...]
    cursor: int | None
    backwards: bool = False


def encode(token: PageToken) -> str:
    """The opaque text of a token."""
    data = orjson.dumps({"p": token.params, "c": token.cursor, "b": token.backwards})
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode(text: str) -> PageToken:
    """The token behind ``text``; a damaged token is a 400 naming ``_page``."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = orjson.loads(raw)
        params = tuple((str(k), str(v)) for k, v in data["p"])
        cursor = data["c"]
        if cursor is not None and not isinstance(cursor, int):
            raise TypeError
        return PageToken(params, cursor, bool(data["b"]))
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise InvalidSearch("the page link is not valid", expression=[PAGE_PARAM]) from None


def request_token(params: Sequence[tuple[str, str]]) -> PageToken:
    """The page a request asks for: its ``_page`` token, or the first page of its params."""
    pages = [v for k, v in params if k == PAGE_PARAM]
    if pages:
        return decode(pages[-1])
    return PageToken(tuple(params), None)
