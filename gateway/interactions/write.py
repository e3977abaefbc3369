"""create, conditional create, update (with If-Match) and delete.

https://hl7.org/fhir/R4/http.html#create . These functions run inside the caller's
transaction; :mod:`gateway.interactions.dispatch` opens one per HTTP request, a transaction
Bundle one for all its entries.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import orjson
from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.errors import Invalid, NotFound, PreconditionFailed
from gateway.interactions.body import check_id, check_resource, parse_json
from gateway.interactions.guard import require, require_type
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.interactions.read import resource_response
from gateway.interactions.search import matching_ids
from gateway.store.repository import Repository, VersionConflict
from gateway.store.restriction import visible

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def create(
    request: FhirRequest, ctx: AccessContext, conn: Connection, assigned_id: str | None = None
) -> FhirResponse:
    """POST [base]/Type: store version 1 with a server id; honours ``If-None-Exist``.

    ``assigned_id`` is the id a transaction reserved for an entry's ``urn:uuid`` fullUrl.
    """
    rtype = str(request.resource_type)
    require_type(rtype)
    require(ctx, rtype, "c")
    data = check_resource(parse_json(request.body), rtype)
    condition = request.header("if-none-exist")
    if condition:
        existing = _conditional_match(conn, ctx, rtype, condition)
        if existing is not None:
            stored = Repository(conn).read(rtype, existing)
            if stored is not None:
                return _written(request, resource_response(request, stored, 200), stored.id)
    stored = Repository(conn).create(rtype, data, resource_id=assigned_id)
    response = resource_response(request, stored, 201)
    response.headers["Location"] = _location(request, rtype, stored.id, stored.version_id)
    return _written(request, response, stored.id)


def update(request: FhirRequest, ctx: AccessContext, conn: Connection) -> FhirResponse:
    """PUT [base]/Type/id: a new version, or create with the client's id; If-Match checked."""
    rtype, rid = str(request.resource_type), str(request.resource_id)
    require_type(rtype)
    check_id(rid)
    require(ctx, rtype, "u")
    data = check_resource(parse_json(request.body), rtype)
    if data.get("id") != rid:
        raise Invalid("the resource id must equal the id in the URL", expression=[f"{rtype}.id"])
    repo = Repository(conn)
    current = repo.read(rtype, rid)
    if current is not None and not visible(conn, ctx, rtype, current.rid):
        raise NotFound(f"{rtype}/{rid} is not known")
    if current is None:
        require(ctx, rtype, "c")
    try:
        stored, created = repo.update(rtype, rid, data, expected_version=_if_match(request))
    except VersionConflict as conflict:
        raise PreconditionFailed(
            f"If-Match names a version other than the current one ({conflict.current})"
        ) from None
    if not visible(conn, ctx, rtype, stored.rid):
        # The new content would move the resource out of the caller's reach.
        raise NotFound(f"{rtype}/{rid} is not known")
    response = resource_response(request, stored, 201 if created else 200)
    if created:
        response.headers["Location"] = _location(request, rtype, rid, stored.version_id)
    return _written(request, response, rid)


def delete(request: FhirRequest, ctx: AccessContext, conn: Connection) -> FhirResponse:
    """DELETE [base]/Type/id: a deletion version; repeating it is harmless (204)."""
    rtype, rid = str(request.resource_type), str(request.resource_id)
    require_type(rtype)
    require(ctx, rtype, "d")
    repo = Repository(conn)
    current = repo.read(rtype, rid)
    if current is None or not visible(conn, ctx, rtype, current.rid):
        raise NotFound(f"{rtype}/{rid} is not known")
    deleted = repo.delete(rtype, rid)
    headers = {"ETag": deleted.etag} if deleted else {}
    return FhirResponse(204, None, headers, resource_ids=(f"{rtype}/{rid}",))


def _conditional_match(
    conn: Connection, ctx: AccessContext, rtype: str, condition: str
) -> str | None:
    params = parse_qsl(condition.lstrip("?"), keep_blank_values=True)
    if not params:
        raise Invalid("If-None-Exist has no search parameters", expression=["If-None-Exist"])
    ids = matching_ids(conn, rtype, params, ctx, limit=2)
    if len(ids) > 1:
        raise PreconditionFailed("If-None-Exist matches more than one resource")
    return ids[0] if ids else None


def _if_match(request: FhirRequest) -> int | None:
    value = request.header("if-match")
    if not value:
        return None
    match = _ETAG.match(value.strip())
    if not match:
        raise Invalid('If-Match must be a version ETag such as W/"3"', expression=["If-Match"])
    return int(match.group(1))


def _location(request: FhirRequest, rtype: str, rid: str, version: int) -> str:
    return f"{request.base_url}/{rtype}/{rid}/_history/{version}"


def _written(request: FhirRequest, response: FhirResponse, rid: str) -> FhirResponse:
    """Apply ``Prefer: return=minimal|representation|OperationOutcome``."""
    prefer = (request.header("prefer") or "").replace(" ", "")
    if "return=minimal" in prefer:
        response.body = None
    elif "return=OperationOutcome" in prefer:
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "information", "code": "informational", "diagnostics": f"stored {rid}"}
            ],
        }
        response.body = orjson.dumps(outcome)
    return response
