"""An EHR pushing a transaction or batch Bundle: the same match/dedupe/Provenance pipeline.

A transaction is all-or-nothing: the first failing entry raises an error naming
``Bundle.entry[i]`` and the caller rolls back. A batch answers each entry on its own.
https://hl7.org/fhir/R4/http.html#transaction
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.errors import Forbidden, Invalid, InvalidResource, operation_outcome
from gateway.ingest.ehr.batch import BatchReport, Item
from gateway.ingest.ehr.members import MemberDirectory
from gateway.ingest.ehr.pipeline import Pipeline
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.ingest.ehr.sources import bundle_items
from gateway.store.repository import Repository

_STATUS = {
    "created": "201 Created",
    "updated": "200 OK",
    "unchanged": "200 OK",
    "merged": "200 OK",
    "matched": "200 OK",
    "held": "202 Accepted",
    "review": "202 Accepted",
    "skipped": "200 OK",
}
_NOTES = {
    "held": ("held-for-review", "held until the patient is matched to a plan member"),
    "review": ("held-for-review", "the patient awaits review before it is matched"),
    "skipped": ("not-stored", "the plan is the source of truth for this resource type"),
}


def ingest_bundle(
    conn: Connection, bundle: dict[str, Any], source: SourceInfo, ctx: AccessContext
) -> dict[str, Any]:
    """Run a pushed Bundle through the pipeline; the transaction-/batch-response Bundle."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise Invalid("the body must be a Bundle", expression=["Bundle"])
    kind = bundle.get("type")
    if kind not in ("transaction", "batch"):
        raise Invalid("only transaction and batch Bundles can be pushed", expression=["Bundle"])
    items = bundle_items(bundle, "Bundle")
    for item, entry in zip(items, bundle.get("entry") or [], strict=False):
        _check_entry(item, entry, ctx, all_or_nothing=kind == "transaction")
    report = Pipeline(conn, source, MemberDirectory()).run(items)
    if kind == "transaction" and report.issues:
        first = report.issues[0]
        where = f"Bundle.entry[{first.line}]"
        raise InvalidResource(f"{where}: {first.message}", expression=[f"{where}.resource"])
    entries = [_response(conn, report, n) for n in range(len(items))]
    return {"resourceType": "Bundle", "type": f"{kind}-response", "entry": entries}


def _check_entry(item: Item, entry: Any, ctx: AccessContext, *, all_or_nothing: bool) -> None:
    where = f"Bundle.entry[{item.line}]"
    request = entry.get("request") if isinstance(entry, dict) else None
    method = str((request or {}).get("method", "")).upper()
    if method not in ("POST", "PUT") or not item.resource:
        if all_or_nothing:
            raise Invalid(
                f"{where}: only POST and PUT entries with a resource can be pushed",
                expression=[f"{where}.request"],
            )
        return
    rtype = str(item.resource.get("resourceType", ""))
    if not (ctx.allows(rtype, "c") or ctx.allows(rtype, "u")):
        raise Forbidden(f"{where}: the token does not allow writing {rtype}")


def _response(conn: Connection, report: BatchReport, index: int) -> dict[str, Any]:
    outcome, detail = report.results.get(index, ("error", "not processed"))
    if outcome == "error":
        issue = operation_outcome("invalid", "invalid-resource", detail)
        return {"response": {"status": "400 Bad Request", "outcome": issue}}
    response: dict[str, Any] = {"status": _STATUS.get(outcome, "200 OK")}
    if outcome in _NOTES:
        code, text = _NOTES[outcome]
        response["outcome"] = operation_outcome("informational", code, text, severity="information")
    elif detail:
        rtype, rid = detail.split("/", 1)
        stored = Repository(conn).read(rtype, rid)
        if stored is not None:
            response["location"] = f"{detail}/_history/{stored.version_id}"
            response["etag"] = stored.etag
    return {"response": response}
