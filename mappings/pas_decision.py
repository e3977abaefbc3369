"""The decision details of a PAS ClaimResponse: notes, diagnoses, errors, information requests.

https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-claimresponse.html
https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-communicationrequest.html
"""

from __future__ import annotations

from mappings.authorization_records import AuthorizationRecord, RequestErrorRecord
from mappings.fhir_values import ICD10_CM, JSON, PAS, compact, concept, ref
from mappings.ids import resource_id
from mappings.members import patient_id
from mappings.payer import payer_id

X12_901 = "https://codesystem.x12.org/005010/901"  # reject reason
X12_889 = "https://codesystem.x12.org/005010/889"  # follow-up action
X12_755 = "https://codesystem.x12.org/005010/755"  # report type (requested documentation)
COMMUNICATION_REQUEST_ID = "communication-request"  # the contained request for information


def item_details(auth: AuthorizationRecord) -> JSON:
    """The communicated diagnoses (extensions) and note numbers of the decided item."""
    url = f"{PAS}/extension-communicatedDiagnosis"
    return compact(
        {
            "extension": [
                {"url": url, "valueCodeableConcept": concept(ICD10_CM, code)}
                for code in auth.communicated_diagnoses
            ],
            "noteNumber": list(range(1, len(auth.decision_notes) + 1)),
        }
    )


def process_notes(auth: AuthorizationRecord) -> list[JSON]:
    """The reviewer's notes on the decision, numbered for item.noteNumber."""
    return [
        {"number": n, "type": "display", "text": text}
        for n, text in enumerate(auth.decision_notes, start=1)
    ]


def errors(auth: AuthorizationRecord) -> list[JSON]:
    """Why the request failed validation (X12 AAA), with the follow-up the requester owes."""
    return [_error(error) for error in auth.errors]


def _error(error: RequestErrorRecord) -> JSON:
    parts = (
        ("extension-errorFollowupAction", "valueCodeableConcept", _maybe(error.follow_up_action)),
        ("extension-errorElement", "valueString", error.element),
        ("extension-errorPath", "valueString", error.path),
    )
    extensions = [{"url": f"{PAS}/{name}", key: value} for name, key, value in parts if value]
    return compact({"extension": extensions, "code": concept(X12_901, error.code)})


def _maybe(code: str | None) -> JSON | None:
    return concept(X12_889, code) if code else None


def communication_request(auth: AuthorizationRecord) -> JSON | None:
    """What the payer needs to decide a pended request, as a contained CommunicationRequest."""
    wanted = auth.information_request
    if wanted is None:
        return None
    return {
        "resourceType": "CommunicationRequest",
        "id": COMMUNICATION_REQUEST_ID,
        "meta": {"profile": [f"{PAS}/profile-communicationrequest"]},
        "status": "active",  # fixed by PAS
        "category": [concept(X12_755, wanted.category)],
        "subject": ref("Patient", patient_id(auth.member_id)),
        "payload": [{"contentString": wanted.text}],
        "requester": ref("Organization", payer_id(auth.payer_key), auth.payer_name),
        "recipient": [
            ref("Organization", resource_id("organization", auth.requesting_organization_npi))
        ],
    }


def communication_references(auth: AuthorizationRecord) -> list[JSON]:
    """ClaimResponse.communicationRequest: the contained request, when there is one."""
    if auth.information_request is None:
        return []
    return [{"reference": f"#{COMMUNICATION_REQUEST_ID}"}]
