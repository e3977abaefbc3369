"""Who may run EHR imports and review patients, and the HTTP kick-off of an import job.

Both need a backend-services (system) token that may create and update every type
(``system/*.cu`` or wider); an admin scope of its own would be finer (docs/ehr-feeds.md).
https://hl7.org/fhir/uv/bulkdata/STU2/ (async request pattern)
"""

from __future__ import annotations

import uuid
from pathlib import Path

import orjson
from sqlalchemy.engine import Engine

from auth.context import AccessContext
from gateway.errors import Forbidden, Invalid, Unauthorized, UnsupportedMediaType
from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.provenance import SourceInfo

NDJSON_TYPES = ("application/fhir+ndjson", "application/ndjson", "application/x-ndjson")
JSON_TYPES = ("application/fhir+json", "application/json")


def require_feed_admin(ctx: AccessContext) -> None:
    """Refuse anyone but a system client allowed to write every resource type."""
    if ctx.kind == "anonymous":
        raise Unauthorized("a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    grant = ctx.all_types
    if (
        ctx.kind not in ("system", "internal")
        or grant is None
        or not {"c", "u"} <= set(grant.interactions)
    ):
        raise Forbidden("EHR imports and reviews need a system token with write access")


def kick_off_upload(
    engine: Engine, spool: Path, body: bytes, mimetype: str, source: str, ctx: AccessContext
) -> str:
    """Spool an uploaded NDJSON file or Bundle and queue its import; the job id."""
    require_feed_admin(ctx)
    if not body.strip():
        raise Invalid("the request body is empty")
    if mimetype in NDJSON_TYPES:
        suffix = ".ndjson"
    elif mimetype in JSON_TYPES:
        suffix = ".json"
        _check_bundle(body)
    else:
        raise UnsupportedMediaType("send application/fhir+ndjson or a FHIR JSON Bundle")
    spool.mkdir(parents=True, exist_ok=True)
    path = spool / f"{uuid.uuid4()}{suffix}"
    path.write_bytes(body)
    name = source or (ctx.client_id or "ehr")
    return kick_off(engine, [str(path)], SourceInfo(name), spooled=True)


def _check_bundle(body: bytes) -> None:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Invalid("the body is not JSON") from None
    if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
        raise Invalid("a JSON upload must be a Bundle", expression=["Bundle"])
