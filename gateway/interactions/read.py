"""read and vread: https://hl7.org/fhir/R4/http.html#read"""

from __future__ import annotations

from email.utils import format_datetime

from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.errors import Gone, InvalidSearch, NotFound
from gateway.interactions.guard import require, require_type
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.store.records import StoredResource
from gateway.store.repository import Repository
from gateway.store.restriction import visible


def read(request: FhirRequest, ctx: AccessContext, conn: Connection) -> FhirResponse:
    """The current version; 404 outside the caller's compartment, 410 when deleted."""
    rtype, rid = str(request.resource_type), str(request.resource_id)
    require_type(rtype)
    require(ctx, rtype, "r")
    return _current(request, ctx, conn, Repository(conn).read(rtype, rid))


def read_fetched(
    request: FhirRequest, ctx: AccessContext, conn: Connection, stored: StoredResource | None
) -> FhirResponse:
    """:func:`read`, for a row the caller fetched already (with the token, ADR 0005)."""
    rtype = str(request.resource_type)
    require_type(rtype)
    require(ctx, rtype, "r")
    return _current(request, ctx, conn, stored)


def _current(
    request: FhirRequest, ctx: AccessContext, conn: Connection, stored: StoredResource | None
) -> FhirResponse:
    rtype, rid = str(request.resource_type), str(request.resource_id)
    if stored is None or not visible(conn, ctx, rtype, stored.rid):
        raise NotFound(f"{rtype}/{rid} is not known")
    if stored.deleted:
        raise Gone(f"{rtype}/{rid} was deleted", headers=_version_headers(stored))
    return resource_response(request, stored)


def vread(request: FhirRequest, ctx: AccessContext, conn: Connection) -> FhirResponse:
    """One version from the history."""
    rtype, rid = str(request.resource_type), str(request.resource_id)
    require_type(rtype)
    require(ctx, rtype, "r")
    try:
        version = int(str(request.version_id))
    except ValueError:
        raise InvalidSearch("the version id must be a number", expression=["_history"]) from None
    repo = Repository(conn)
    current = repo.read(rtype, rid)
    if current is None or not visible(conn, ctx, rtype, current.rid):
        raise NotFound(f"{rtype}/{rid} is not known")
    stored = repo.vread(rtype, rid, version)
    if stored is None:
        raise NotFound(f"{rtype}/{rid} has no version {version}")
    if stored.deleted:
        raise Gone(
            f"{rtype}/{rid} version {version} is a deletion", headers=_version_headers(stored)
        )
    return resource_response(request, stored)


def resource_response(
    request: FhirRequest, stored: StoredResource, status: int = 200
) -> FhirResponse:
    """The stored bytes with ETag and Last-Modified; 304 when ``If-None-Match`` matches."""
    headers = _version_headers(stored)
    ids = (f"{stored.resource_type}/{stored.id}",)
    if _matches(request.header("if-none-match"), stored.etag):
        return FhirResponse(304, None, headers, resource_ids=ids)
    return FhirResponse(status, stored.body, headers, resource_ids=ids)


def _version_headers(stored: StoredResource) -> dict[str, str]:
    return {
        "ETag": stored.etag,
        "Last-Modified": format_datetime(stored.last_updated, usegmt=True),
    }


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip() for t in if_none_match.split(",")}
    return "*" in tags or etag in tags or etag.removeprefix("W/") in tags
