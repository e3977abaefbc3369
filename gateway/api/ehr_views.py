"""EHR feed endpoints: ``$import`` kick-off, ``POST /ehr/fhir`` push, job status, review queue.

Views parse, call one function of :mod:`gateway.ingest.ehr`, render (DESIGN D2).
https://hl7.org/fhir/uv/bulkdata/STU2/export.html#bulk-data-kick-off-request (async pattern)
"""

from __future__ import annotations

from pathlib import Path

import orjson
from flask import Blueprint, Flask, Response, current_app, jsonify, request

from gateway.api.access import access_context
from gateway.api.db import connection, gateway_state
from gateway.errors import Invalid, NotFound
from gateway.fhir import FHIR_JSON
from gateway.ingest.ehr import review
from gateway.ingest.ehr.admin import kick_off_upload, require_feed_admin
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.push import ingest_bundle
from gateway.interactions.body import parse_json
from gateway.jobs import store
from gateway.jobs.runner import JobWorker, describe
from gateway.state import GatewayState
from gateway.store.engine import write_transaction

bp = Blueprint("ehr", __name__)


def init_app(app: Flask, state: GatewayState) -> None:
    """Register the EHR endpoints and the job worker (started by a kick-off or first request)."""
    worker = JobWorker(state.engine)
    app.extensions["jobs"] = worker
    app.register_blueprint(bp)
    started: list[bool] = [state.settings["ENV"] == "test"]  # tests run jobs explicitly

    @app.before_request
    def _resume_jobs() -> None:
        if not started[0]:  # once per process: resume what a dead process left running
            started[0] = True
            worker.notify()


def _ctx_admin() -> None:
    require_feed_admin(access_context(request.headers.get("Authorization")))


@bp.post("/fhir/$import")
def import_kick_off() -> tuple[Response, int, dict[str, str]]:
    ctx = access_context(request.headers.get("Authorization"))
    spool = Path(current_app.instance_path) / "ehr-import"
    body, source = request.get_data(cache=False), request.args.get("source", "")
    job_id = kick_off_upload(gateway_state().engine, spool, body, request.mimetype, source, ctx)
    current_app.extensions["jobs"].notify()
    location = f"{request.host_url.rstrip('/')}/jobs/{job_id}"
    return jsonify(id=job_id, status=store.QUEUED), 202, {"Content-Location": location}


@bp.post("/ehr/fhir")
def push_bundle() -> Response:
    ctx = access_context(request.headers.get("Authorization"))
    require_feed_admin(ctx)
    bundle = parse_json(request.get_data(cache=False))
    source = SourceInfo(request.args.get("source") or ctx.client_id or "ehr")
    with write_transaction(connection()) as conn:
        answer = ingest_bundle(conn, bundle, source, ctx)
    return Response(orjson.dumps(answer), status=200, content_type=FHIR_JSON)


@bp.get("/jobs/<job_id>")
def job_status(job_id: str) -> tuple[Response, int]:
    _ctx_admin()
    job = store.get(connection(), job_id)
    if job is None:
        raise NotFound("no such job")
    done = job.status in (store.SUCCEEDED, store.FAILED)
    return jsonify(describe(job, store.issues(connection(), job_id))), 200 if done else 202


@bp.get("/admin/ehr/review")
def review_list() -> Response:
    _ctx_admin()
    return jsonify(items=review.queue(connection()))


@bp.post("/admin/ehr/review/<item_id>")
def review_resolve(item_id: str) -> Response:
    _ctx_admin()
    data = request.get_json(silent=True) or {}
    member, reject = str(data.get("member") or "").removeprefix("Patient/"), data.get("reject")
    if bool(member) == bool(reject):
        raise Invalid('send {"member": "Patient/<id>"} or {"reject": true}')
    with write_transaction(connection()) as conn:
        result = review.resolve(conn, item_id, member or None)
    return jsonify(result)
