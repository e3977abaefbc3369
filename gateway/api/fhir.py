"""The FHIR REST API at /fhir: views parse, call one interaction, render (DESIGN D2)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request

from auth.context import AccessContext
from gateway.api.access import access_context
from gateway.api.audit_trail import audit
from gateway.api.db import connection, gateway_state
from gateway.api.negotiation import check_accept, check_content_type
from gateway.audit.log import Outcome
from gateway.errors import FhirError
from gateway.interactions import dispatch
from gateway.interactions.capability import capability_bytes
from gateway.interactions.messages import FhirRequest, FhirResponse
from gateway.state import GatewayState

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
SOFTWARE_VERSION = "0.1.0"
_FORM = "application/x-www-form-urlencoded"


def init_app(app: Flask, state: GatewayState) -> None:
    """Register the FHIR blueprint."""
    app.register_blueprint(bp)


@bp.before_request
def check_accept_header() -> None:
    """Every /fhir request: refuse formats we cannot produce."""
    check_accept(request)


def fhir_request(**route: str | None) -> FhirRequest:
    """The plain request for the current HTTP request and its route values."""
    http = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    params = tuple((k, v) for k, v in http.args.items(multi=True) if k != "_format")
    body = b""
    if http.method in ("POST", "PUT"):
        check_content_type(http, form_allowed=route.get("operation") == "_search")
        if http.mimetype == _FORM:
            params += tuple(http.form.items(multi=True))
        else:
            body = http.get_data(cache=True)
    return FhirRequest(
        method=http.method,
        base_url=gateway_state().base_url,
        resource_type=route.get("rtype"),
        resource_id=route.get("rid"),
        version_id=route.get("vid"),
        operation=route.get("operation"),
        params=params,
        headers=request_headers(http.environ),
        body=body,
    )


def request_headers(environ: dict[str, Any]) -> dict[str, str]:
    """Request headers by lower-case name, read straight from the WSGI environ."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


def run(interaction: dispatch.Interaction, **route: str | None) -> Response:
    """Parse, call the interaction with the caller's access, audit, render."""
    req = fhir_request(**route)
    ctx: AccessContext | None = None  # stays None when the token itself is refused
    try:
        ctx = access_context(request.headers.get("Authorization"))
        result = dispatch.handle(interaction, req, ctx, connection(), gateway_state().settings)
    except FhirError as error:
        outcome: Outcome = "refused" if error.status in (401, 403, 404, 410) else "failed"
        refused = (f"{req.resource_type}/{req.resource_id}",) if req.resource_id else ()
        audit(ctx or AccessContext.anonymous(), interaction, req.resource_type, refused, outcome)
        raise
    audit(ctx, interaction, req.resource_type, result.resource_ids, "success")
    return render(result)


def render(result: FhirResponse) -> Response:
    """The HTTP response for an interaction's result."""
    response = Response(result.body, status=result.status, content_type=result.content_type)
    response.headers.update(result.headers)
    return response


@bp.get("/metadata")
def metadata() -> Response:
    return render(FhirResponse(200, metadata_bytes(gateway_state())))


def metadata_bytes(state: GatewayState) -> bytes:
    """The serialised CapabilityStatement, built once per settings and process."""
    return capability_bytes(tuple(sorted(state.settings.items())), SOFTWARE_VERSION)


@bp.route("/", methods=["GET", "POST"], strict_slashes=False)
def system() -> Response:
    return run("bundle" if request.method == "POST" else "search-system")


@bp.get("/_history")
def history_system() -> Response:
    return run("history-system")


@bp.route("/<rtype>", methods=["GET", "POST"])
def type_level(rtype: str) -> Response:
    return run("create" if request.method == "POST" else "search-type", rtype=rtype)


@bp.post("/<rtype>/_search")
def search_post(rtype: str) -> Response:
    return run("search-type", rtype=rtype, operation="_search")


@bp.get("/<rtype>/_history")
def history_type(rtype: str) -> Response:
    return run("history-type", rtype=rtype)


@bp.route("/<rtype>/<rid>", methods=["GET", "PUT", "DELETE"])
def instance(rtype: str, rid: str) -> Response:
    kind = {"GET": "read", "PUT": "update", "DELETE": "delete"}[request.method]
    return run(kind, rtype=rtype, rid=rid)  # type: ignore[arg-type]


@bp.get("/<rtype>/<rid>/_history")
def history_instance(rtype: str, rid: str) -> Response:
    return run("history-instance", rtype=rtype, rid=rid)


@bp.get("/<rtype>/<rid>/_history/<vid>")
def vread(rtype: str, rid: str, vid: str) -> Response:
    return run("vread", rtype=rtype, rid=rid, vid=vid)
