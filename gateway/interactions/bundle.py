"""batch and transaction Bundles: https://hl7.org/fhir/R4/http.html#transaction

Preprocess purely (ids for ``urn:uuid`` entries, reference rewriting), then execute every entry
through the interaction table in the caller's single transaction (a transaction) or each in its
own savepoint (a batch). A transaction failure names ``Bundle.entry[i]`` and writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
from sqlalchemy.engine import Connection

from auth.context import AccessContext
from config import Settings
from gateway.errors import FhirError, Invalid, InvalidResource
from gateway.interactions import write
from gateway.interactions.body import check_resource, parse_json
from gateway.interactions.bundles import bundle_bytes, entry_bytes
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.interactions.references import rewrite_references

_ORDER = {"DELETE": 0, "POST": 1, "PUT": 2, "PATCH": 2, "GET": 3, "HEAD": 3}
_REASONS = {200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One Bundle entry, parsed: where it is, what it asks, and its sub-request."""

    index: int
    interaction: str
    request: FhirRequest
    full_url: str | None
    assigned_id: str | None = None


def process_bundle(
    request: FhirRequest, ctx: AccessContext, conn: Connection, settings: Settings
) -> FhirResponse:
    """Run a batch or transaction Bundle; the answer is the matching response Bundle."""
    bundle = check_resource(parse_json(request.body), "Bundle")
    kind = bundle.get("type")
    if kind not in ("batch", "transaction"):
        raise Invalid(
            "only batch and transaction Bundles can be posted here", expression=["Bundle.type"]
        )
    entries = [_parse_entry(request, i, e) for i, e in enumerate(bundle.get("entry") or [])]
    touched: list[str] = []
    if kind == "transaction":
        responses = _transaction(entries, ctx, conn, settings, touched)
    else:
        responses = [_batch_entry(entry, ctx, conn, settings, touched) for entry in entries]
    body = bundle_bytes({"type": f"{kind}-response"}, responses)
    return FhirResponse(200, body, resource_ids=tuple(dict.fromkeys(touched)))


def _transaction(
    entries: list[Entry],
    ctx: AccessContext,
    conn: Connection,
    settings: Settings,
    touched: list[str],
) -> list[bytes]:
    entries = _assign_ids(entries)
    mapping = {
        e.full_url: f"{e.request.resource_type}/{e.assigned_id}"
        for e in entries
        if e.full_url and e.assigned_id
    }
    entries = [_rewritten(e, mapping) for e in entries]
    results: dict[int, bytes] = {}
    for entry in sorted(entries, key=lambda e: (_ORDER.get(e.request.method, 9), e.index)):
        try:
            response = _execute(entry, ctx, conn, settings)
        except FhirError as error:
            raise _located(error, entry.index) from None
        touched += response.resource_ids
        results[entry.index] = _response_entry(entry, response)
    return [results[i] for i in range(len(entries))]


def _batch_entry(
    entry: Entry, ctx: AccessContext, conn: Connection, settings: Settings, touched: list[str]
) -> bytes:
    savepoint = conn.begin_nested()
    try:
        response = _execute(entry, ctx, conn, settings)
    except FhirError as error:
        savepoint.rollback()
        status = f"{error.status} {type(error).__name__}"
        return entry_bytes(None, response={"status": status, "outcome": error.outcome()})
    savepoint.commit()
    touched += response.resource_ids
    return _response_entry(entry, response)


def _execute(
    entry: Entry, ctx: AccessContext, conn: Connection, settings: Settings
) -> FhirResponse:
    from gateway.interactions import dispatch  # dispatch imports this module: import on use

    if entry.interaction == "create":
        return write.create(entry.request, ctx, conn, assigned_id=entry.assigned_id)
    return dispatch.TABLE[entry.interaction](entry.request, ctx, conn, settings)


def _parse_entry(bundle_request: FhirRequest, index: int, raw: Any) -> Entry:
    where = f"Bundle.entry[{index}]"
    req = raw.get("request") if isinstance(raw, dict) else None
    if not isinstance(req, dict) or not req.get("method") or not req.get("url"):
        raise Invalid(
            f"{where} needs request.method and request.url", expression=[f"{where}.request"]
        )
    method = str(req["method"]).upper()
    url = urlsplit(str(req["url"]).removeprefix(bundle_request.base_url + "/"))
    parts = [p for p in url.path.split("/") if p]
    interaction = _interaction(method, parts)
    if interaction is None:
        raise Invalid(
            f"{where}: {method} {url.path} is not supported in a Bundle",
            expression=[f"{where}.request"],
        )
    body = b""
    if method in ("POST", "PUT"):
        resource = raw.get("resource")
        check_resource(resource, parts[0], f"{where}.resource")
        body = orjson.dumps(resource)
    headers = {
        name: str(req[key])
        for key, name in (
            ("ifMatch", "if-match"),
            ("ifNoneExist", "if-none-exist"),
            ("ifNoneMatch", "if-none-match"),
        )
        if req.get(key)
    }
    sub = FhirRequest(
        method=method if method != "HEAD" else "GET",
        base_url=bundle_request.base_url,
        resource_type=parts[0] if parts else None,
        resource_id=parts[1] if len(parts) > 1 else None,
        version_id=parts[3] if len(parts) > 3 else None,
        params=tuple(parse_qsl(url.query, keep_blank_values=True)),
        headers=headers,
        body=body,
    )
    full_url = raw.get("fullUrl") if isinstance(raw.get("fullUrl"), str) else None
    return Entry(index, interaction, sub, full_url)


def _interaction(method: str, parts: list[str]) -> str | None:
    shapes = {
        ("GET", 1): "search-type",
        ("GET", 2): "read",
        ("GET", 4): "vread",
        ("HEAD", 2): "read",
        ("POST", 1): "create",
        ("PUT", 2): "update",
        ("DELETE", 2): "delete",
    }
    if len(parts) == 4 and parts[2] != "_history":
        return None
    return shapes.get((method, len(parts)))


def _assign_ids(entries: list[Entry]) -> list[Entry]:
    return [
        replace(e, assigned_id=str(uuid.uuid4())) if e.interaction == "create" else e
        for e in entries
    ]


def _rewritten(entry: Entry, mapping: dict[str, str]) -> Entry:
    if not entry.request.body or not mapping:
        return entry
    resource = rewrite_references(orjson.loads(entry.request.body), mapping)
    return replace(entry, request=replace(entry.request, body=orjson.dumps(resource)))


def _response_entry(entry: Entry, response: FhirResponse) -> bytes:
    status = f"{response.status} {_REASONS.get(response.status, '')}".strip()
    fields: dict[str, Any] = {"status": status}
    for header, key in (("Location", "location"), ("ETag", "etag")):
        if header in response.headers:
            fields[key] = response.headers[header]
    full_url = None
    rtype = entry.request.resource_type
    if rtype and response.body and entry.interaction != "search-type":
        location = response.headers.get("Location", "")
        resource_id = (
            entry.request.resource_id or location.rsplit("/_history/", 1)[0].rsplit("/", 1)[-1]
        )
        if not resource_id:
            resource_id = orjson.loads(response.body).get("id")
        full_url = f"{entry.request.base_url}/{rtype}/{resource_id}"
    return entry_bytes(response.body, fullUrl=full_url, response=fields)


def _located(error: FhirError, index: int) -> FhirError:
    where = f"Bundle.entry[{index}]"
    error.diagnostics = f"{where}: {error.diagnostics}"
    if not any(e.startswith(where) for e in error.expression):
        error.expression = (where, *error.expression)
    if isinstance(error, InvalidResource) and not error.expression:
        error.expression = (f"{where}.resource",)
    return error
