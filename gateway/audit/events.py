"""Audit rows as FHIR AuditEvent, shaped after IHE Basic Audit Log Patterns (BALP).

The BALP package is not available offline to our validator, so events claim no profile;
they follow its PatientRead/PatientQuery pattern (rest type, interaction subtype, client
agent, patient entity with role 1, data entities with role 4) and validate as base R4.

https://profiles.ihe.net/ITI/BALP/ , https://hl7.org/fhir/R4/auditevent.html
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

_ACTIONS = {"create": "C", "read": "R", "vread": "R", "update": "U", "delete": "D"}
_OUTCOMES = {"success": "0", "refused": "4", "failed": "8"}
_REST = "http://hl7.org/fhir/restful-interaction"


def to_audit_event(row: dict[str, Any], base_url: str) -> dict[str, Any]:
    """One audit row as an AuditEvent resource (R4 JSON)."""
    action = str(row["action"])
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": str(row["event_id"]),
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [{"system": _REST, "code": _subtype(action)}],
        "action": _ACTIONS.get(action, "E"),
        "recorded": _instant(row["recorded"]),
        "outcome": _OUTCOMES.get(str(row["outcome"]), "8"),
        "agent": _agents(row),
        "source": {"observer": {"display": base_url}},
        "entity": _entities(row),
    }
    return event


def _subtype(action: str) -> str:
    return {"search": "search-type"}.get(action, action)


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _agents(row: dict[str, Any]) -> list[dict[str, Any]]:
    agents: list[dict[str, Any]] = [
        {
            "type": {
                "coding": [
                    {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110153"}
                ]
            },
            "who": {"identifier": {"value": row["client_id"] or row["agent_kind"]}},
            "requestor": row["fhir_user"] is None,
        }
    ]
    if row["fhir_user"]:
        agents.append({"who": {"reference": row["fhir_user"]}, "requestor": True})
    return agents


def _entities(row: dict[str, Any]) -> list[dict[str, Any]]:
    role = "http://terminology.hl7.org/CodeSystem/object-role"
    found: list[dict[str, Any]] = []
    if row["patient_id"]:
        found.append(
            {
                "what": {"reference": f"Patient/{row['patient_id']}"},
                "role": {"system": role, "code": "1"},
            }
        )
    for rid in str(row["resource_ids"] or "").split():
        if rid.startswith("+") or not (row["resource_type"] or "/" in rid):
            continue
        reference = rid if "/" in rid else f"{row['resource_type']}/{rid}"
        found.append({"what": {"reference": reference}, "role": {"system": role, "code": "4"}})
    return found


def searchset(rows: list[dict[str, Any]], base_url: str) -> dict[str, Any]:
    """A searchset Bundle of AuditEvents."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(rows),
        "entry": [
            {
                "fullUrl": f"{base_url}/AuditEvent/{row['event_id']}",
                "resource": to_audit_event(row, base_url),
                "search": {"mode": "match"},
            }
            for row in rows
        ],
    }
