"""Instance, type and system history: https://hl7.org/fhir/R4/http.html#history

Newest first, keyset-paged with an opaque cursor. A patient-context caller gets instance
history of what it may read; type and system history need unrestricted (system) access,
because a history query is not yet compiled with the access restriction.
"""

from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.engine import Connection

from auth.context import AccessContext
from config import Settings
from gateway.errors import Forbidden, InvalidSearch, NotFound
from gateway.interactions.bundles import bundle_bytes, entry_bytes
from gateway.interactions.guard import require, require_type
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.store.records import StoredResource, as_utc, fhir_instant
from gateway.store.repository import Repository
from gateway.store.restriction import visible

_STATUS = {"POST": "201 Created", "PUT": "200 OK", "DELETE": "204 No Content"}
Cursor = tuple[datetime, int, int]


def history(
    request: FhirRequest, ctx: AccessContext, conn: Connection, settings: Settings
) -> FhirResponse:
    """A history Bundle for an instance, a type or the whole system."""
    rtype, rid = request.resource_type, request.resource_id
    if rtype:
        require_type(rtype)
        require(ctx, rtype, "r")
    repo = Repository(conn)
    if rid:
        current = repo.read(str(rtype), rid)
        if current is None or not visible(conn, ctx, str(rtype), current.rid):
            raise NotFound(f"{rtype}/{rid} is not known")
    elif ctx.kind not in ("internal", "system") or ctx.all_types is None:
        raise Forbidden("type and system history need system-level access to all types")
    count = _count(request, settings)
    since = _since(request)
    cursor = _cursor(request)
    rows = repo.history(rtype, rid, since=since, before=cursor, count=count + 1)
    page, more = rows[:count], len(rows) > count
    links = [{"relation": "self", "url": _url(request, count, since, cursor)}]
    if more:
        last = page[-1][0]
        links.append({"relation": "next", "url": _url(request, count, since, _key(last))})
    entries = (_entry(request, stored, method) for stored, method in page)
    body = bundle_bytes({"type": "history", "link": links}, entries)
    ids = tuple(dict.fromkeys(f"{s.resource_type}/{s.id}" for s, _ in page))
    return FhirResponse(200, body, resource_ids=ids)


def _entry(request: FhirRequest, stored: StoredResource, method: str) -> bytes:
    url = f"{stored.resource_type}/{stored.id}"
    return entry_bytes(
        None if stored.deleted else stored.body,
        fullUrl=f"{request.base_url}/{url}",
        request={"method": method, "url": url if method != "POST" else stored.resource_type},
        response={
            "status": _STATUS.get(method, "200 OK"),
            "etag": stored.etag,
            "lastModified": fhir_instant(stored.last_updated),
        },
    )


def _count(request: FhirRequest, settings: Settings) -> int:
    raw = (request.param_values("_count") or [str(settings["SEARCH_DEFAULT_COUNT"])])[-1]
    try:
        value = int(raw)
    except ValueError:
        raise InvalidSearch("_count must be a whole number", expression=["_count"]) from None
    if value < 1:
        raise InvalidSearch("_count must be at least 1", expression=["_count"])
    return min(value, int(settings["SEARCH_MAX_COUNT"]))


def _since(request: FhirRequest) -> datetime | None:
    values = request.param_values("_since")
    if not values:
        return None
    try:
        return as_utc(datetime.fromisoformat(values[-1].replace("Z", "+00:00")))
    except ValueError:
        raise InvalidSearch("_since must be a FHIR instant", expression=["_since"]) from None


def _cursor(request: FhirRequest) -> Cursor | None:
    values = request.param_values("_cursor")
    if not values:
        return None
    try:
        at, rid, vid = base64.urlsafe_b64decode(values[-1].encode()).decode().split("|")
        return as_utc(datetime.fromisoformat(at)), int(rid), int(vid)
    except (ValueError, UnicodeDecodeError):
        raise InvalidSearch("the paging cursor is not valid", expression=["_cursor"]) from None


def _key(stored: StoredResource) -> Cursor:
    return stored.last_updated, stored.rid, stored.version_id


def _url(request: FhirRequest, count: int, since: datetime | None, cursor: Cursor | None) -> str:
    path = "/".join(p for p in (request.resource_type, request.resource_id) if p)
    params: list[tuple[str, str]] = [("_count", str(count))]
    if since is not None:
        params.append(("_since", fhir_instant(since)))
    if cursor is not None:
        at, rid, vid = cursor
        token = f"{at.isoformat()}|{rid}|{vid}".encode()
        params.append(("_cursor", base64.urlsafe_b64encode(token).decode()))
    prefix = f"{request.base_url}/{path}/_history" if path else f"{request.base_url}/_history"
    return f"{prefix}?{urlencode(params)}"
