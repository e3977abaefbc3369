"""Member pages: login, consent (authorize), connected apps. Server-rendered, no JavaScript.

https://hl7.org/fhir/smart-app-launch/STU2/app-launch.html#obtain-authorization-code
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, abort, redirect, render_template, request, session

from auth import members, records, scopes
from auth.flask_app import server, transaction
from auth.i18n import MESSAGES, TYPE_NAMES, choose_language
from auth.members import Login
from auth.models import Approval

bp = Blueprint("auth_pages", __name__, template_folder="templates", url_prefix="/auth")
_PASSTHROUGH = (
    "response_type", "client_id", "redirect_uri", "scope", "state", "aud", "launch",
    "code_challenge", "code_challenge_method", "nonce",
)  # fmt: skip


def _lang() -> str:
    explicit = request.args.get("lang")
    if explicit in MESSAGES:
        session["lang"] = explicit
    accepted = [tag for tag, _q in request.accept_languages]
    return choose_language(session.get("lang"), accepted)


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int, dict[str, str]]:
    lang = _lang()
    session.setdefault("csrf", secrets.token_urlsafe(32))
    html = render_template(
        template,
        t=MESSAGES[lang],
        type_names=TYPE_NAMES[lang],
        lang=lang,
        csrf=session["csrf"],
        path=request.path,
        **context,
    )
    return html, status, page_headers(lang)


def page_headers(lang: str) -> dict[str, str]:
    """No caching, no framing, same-origin content only: for every member page."""
    return {
        "Content-Language": lang,
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'",
    }


def _check_csrf() -> None:
    sent = request.form.get("csrf", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400)


def _login(conn: Any) -> Login | None:
    login_id = session.get("login_id")
    return members.find_login(conn, int(login_id)) if login_id else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Sign in with username and password (argon2, throttled)."""
    target = request.values.get("next", "/auth/apps")
    if not target.startswith("/auth/"):
        target = "/auth/apps"
    if request.method == "GET":
        return _page("auth/login.html", next=target, failed=False)
    _check_csrf()
    settings = server().settings
    with transaction() as conn:
        found = members.authenticate(
            conn,
            request.form.get("username", ""),
            request.form.get("password", ""),
            int(settings["AUTH_LOGIN_MAX_FAILURES"]),
            int(settings["AUTH_LOGIN_LOCK_SECONDS"]),
        )
    if found is None:
        return _page("auth/login.html", status=401, next=target, failed=True)
    lang = session.get("lang")
    session.clear()  # a fresh session on login: no fixation
    session.update(login_id=found.login_id, csrf=secrets.token_urlsafe(32))
    if lang:
        session["lang"] = lang
    return redirect(target, code=303)


@bp.post("/logout")
def logout() -> Any:
    """End the page session."""
    _check_csrf()
    session.clear()
    return redirect("/auth/login", code=303)


@bp.route("/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    """The authorization endpoint: validate, sign in, ask consent, redirect with a code."""
    srv = server()
    with transaction() as conn:
        try:
            grant = srv.get_consent_grant()
        except OAuth2Error as error:
            return srv.handle_error_response(None, error)
        member = _login(conn)
        if member is None:
            query = urlencode({k: v for k, v in request.values.items() if k in _PASSTHROUGH})
            return redirect("/auth/login?" + urlencode({"next": "/auth/authorize?" + query}))
        if request.method == "POST" and "decision" in request.form:
            _check_csrf()
            return _decide(conn, srv, grant, member)
        return _consent(conn, grant, member)


def _consent(conn: Any, grant: Any, member: Login, error: str | None = None) -> Any:
    patients = _patients(conn, grant, member)
    if not patients:
        return _deny(grant)
    requested = grant.request.scope or ""
    hidden = {k: v for k, v in request.values.items() if k in _PASSTHROUGH}
    return _page(
        "auth/consent.html",
        app=grant.client.client_name,
        types=scopes.resource_types(requested),
        offline="offline_access" in scopes.split(requested),
        patients=patients,
        hidden=hidden,
        error=error,
    )


def _patients(conn: Any, grant: Any, member: Login) -> list[tuple[str, str]]:
    """The patients this login may choose for this request (an EHR launch fixes one)."""
    if member.role == "auditor":
        return [("", member.username)]  # user-level access: no patient context
    mine = members.patients_of(conn, member.login_id)
    launch = grant.request.payload.data.get("launch")
    if launch:
        bound = records.launch_patient(conn, launch)
        return [p for p in mine if p[0] == bound]
    return mine


def _decide(conn: Any, srv: Any, grant: Any, member: Login) -> Any:
    if request.form.get("decision") != "allow":
        return srv.create_authorization_response(grant_user=None, grant=grant)
    patients = dict(_patients(conn, grant, member))
    patient_id = request.form.get("patient") or (next(iter(patients)) if len(patients) == 1 else "")
    if patient_id not in patients:
        return _consent(conn, grant, member, error="choose_patient")
    approved = _approved_scope(grant.request.scope or "", member)
    if not any(scopes.parse_resource_scope(s) for s in scopes.split(approved)):
        return _consent(conn, grant, member, error="nothing_selected")
    kind = "user" if member.role == "auditor" else "patient"
    fhir_user = member.fhir_user or (f"Patient/{patient_id}" if patient_id else None)
    approval = Approval(member.login_id, "", patient_id or None, fhir_user, approved, kind)
    approval = records.new_grant(conn, approval, grant.client.client_id, _lifetime(approved))
    return srv.create_authorization_response(grant_user=approval, grant=grant)


def _lifetime(approved: str) -> int:
    """How long a consent lasts: 13 months with offline_access, else an online session."""
    settings = server().settings
    if "offline_access" in approved.split():
        return int(settings["AUTH_OFFLINE_GRANT_DAYS"]) * 86400
    return int(settings["AUTH_ONLINE_REFRESH_TTL"])


def _approved_scope(requested: str, member: Login) -> str:
    """The requested scope minus unticked types, refused contexts and unticked offline access."""
    ticked = set(request.form.getlist("types"))
    unticked = [r for r in scopes.resource_types(requested) if r not in ticked]
    approved = scopes.without_types(requested, unticked)
    contexts = ("user",) if member.role == "auditor" else ("patient",)
    approved = scopes.allowed(approved, contexts)
    if request.form.get("offline") != "yes":
        approved = " ".join(s for s in approved.split() if s != "offline_access")
    return approved


def _deny(grant: Any) -> Any:
    """Send the app ``access_denied`` on its redirect URI."""
    return server().create_authorization_response(grant_user=None, grant=grant)


@bp.get("/apps")
def apps() -> Any:
    """The apps connected to the signed-in member, each with a disconnect button."""
    with transaction() as conn:
        member = _login(conn)
        if member is None:
            return redirect("/auth/login?next=/auth/apps")
        connected = members.connected_apps(conn, member.login_id)
    return _page("auth/apps.html", apps=connected)


@bp.post("/apps/<grant_id>/revoke")
def revoke_app(grant_id: str) -> Any:
    """Withdraw a consent: every token of that grant stops working on the next request."""
    _check_csrf()
    with transaction() as conn:
        member = _login(conn)
        if member is None:
            abort(401)
        owned = {str(a["grant_id"]) for a in members.connected_apps(conn, member.login_id)}
        if grant_id not in owned:
            abort(404)
        records.revoke_grant(conn, grant_id)
    return redirect("/auth/apps", code=303)
