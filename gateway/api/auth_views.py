"""AuditEvent reading at /fhir/AuditEvent and the member's access-history page.

Auditors (``user/AuditEvent.rs``) and system clients see every event; a patient-context
token sees only events about its own patient. https://profiles.ihe.net/ITI/BALP/
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Flask, Response, redirect, render_template, request, session

from auth.context import AccessContext
from auth.i18n import MESSAGES, choose_language
from auth.members import find_login, patients_of
from auth.pages import page_headers
from gateway.api.access import access_context
from gateway.api.audit_trail import audit_buffer
from gateway.api.db import connection, gateway_state
from gateway.audit import record
from gateway.audit.events import searchset, to_audit_event
from gateway.audit.log import events
from gateway.errors import NotFound
from gateway.fhir import FHIR_JSON
from gateway.interactions.guard import require
from gateway.state import GatewayState

bp = Blueprint("audit", __name__)


def init_app(app: Flask, state: GatewayState) -> None:
    """Register the AuditEvent routes and the access-history page."""
    app.register_blueprint(bp)


def _scope_of(ctx: AccessContext) -> list[str] | None:
    """The patients whose events ``ctx`` may see; ``None`` for all of them."""
    return [ctx.patient_id or ""] if ctx.kind == "patient" else None


@bp.get("/fhir/AuditEvent")
def search_audit() -> Response:
    """Search AuditEvents (newest first, at most 200)."""
    ctx = access_context(request.headers.get("Authorization"))
    require(ctx, "AuditEvent", "s")
    audit_buffer().flush()  # this process's queued reads belong in the answer
    rows = events(connection(), _scope_of(ctx))
    record(connection(), ctx, "search", "AuditEvent", [str(r["event_id"]) for r in rows], "success")
    connection().commit()
    body = searchset(rows, gateway_state().base_url)
    return Response(orjson.dumps(body), content_type=FHIR_JSON)


@bp.get("/fhir/AuditEvent/<event_id>")
def read_audit(event_id: str) -> Response:
    """Read one AuditEvent; 404 outside what the caller may see."""
    ctx = access_context(request.headers.get("Authorization"))
    require(ctx, "AuditEvent", "r")
    number = int(event_id) if event_id.isdigit() else -1
    audit_buffer().flush()
    found = events(connection(), _scope_of(ctx), limit=1, event_id=number)
    if not found:
        raise NotFound(f"AuditEvent/{event_id} is not known")
    record(connection(), ctx, "read", "AuditEvent", [event_id], "success")
    connection().commit()
    body = to_audit_event(found[0], gateway_state().base_url)
    return Response(orjson.dumps(body), content_type=FHIR_JSON)


@bp.get("/auth/history")
def history_page() -> Any:
    """The signed-in member's access history, from the audit log."""
    login_id = session.get("login_id")
    login = find_login(connection(), int(login_id)) if login_id else None
    if login is None:
        return redirect("/auth/login?next=/auth/history")
    patients = dict(patients_of(connection(), login.login_id))
    audit_buffer().flush()
    rows = events(connection(), list(patients)) if patients else []
    lang = choose_language(session.get("lang"), [t for t, _q in request.accept_languages])
    html = render_template(
        "auth/history.html",
        t=MESSAGES[lang],
        lang=lang,
        path=request.path,
        rows=rows,
        patients=patients,
    )
    return Response(html, headers=page_headers(lang))
