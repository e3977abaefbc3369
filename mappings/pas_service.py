"""The requested service of a PAS Claim item: X12 service details and the ordering request.

https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-claim.html
https://hl7.org/fhir/us/davinci-pas/STU2/StructureDefinition-profile-servicerequest.html
"""

from __future__ import annotations

from mappings.authorization_records import AuthorizationRecord
from mappings.fhir_values import CPT, JSON, PAS, THO, compact, concept, money, ref
from mappings.ids import resource_id
from mappings.members import patient_id

X12_1525 = "https://codesystem.x12.org/005010/1525"  # request category
X12_1345 = "https://codesystem.x12.org/005010/1345"  # nursing home residential status
X12_1337 = "https://codesystem.x12.org/005010/1337"  # level of care
NUBC_REVENUE = "https://www.nubc.org/revenue-code"  # PAS AHANUBCRevenueCodes
# HCPCS as the PAS value sets (X12278RequestedServiceType, ...ModifierType) name it: http, where
# PDex names it https (PDexPAInstitutionalProcedureCodesVS)
HCPCS_PAS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
PLACE_OF_SERVICE = (
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
)
SERVICE_REQUEST_ID = "service-request"  # the contained order of the requested service


def item_extensions(auth: AuthorizationRecord) -> list[JSON]:
    """The optional X12 details of the requested service as PAS item extensions."""
    coded = (
        ("extension-serviceItemRequestType", X12_1525, auth.request_type),
        ("extension-nursingHomeResidentialStatus", X12_1345, auth.nursing_home_residential_status),
        ("extension-nursingHomeLevelOfCare", X12_1337, auth.nursing_home_level_of_care),
    )
    out: list[JSON] = [
        {"url": f"{PAS}/{name}", "valueCodeableConcept": concept(system, code)}
        for name, system, code in coded
        if code
    ]
    if auth.epsdt_indicator is not None:
        out.append({"url": f"{PAS}/extension-epsdtIndicator", "valueBoolean": auth.epsdt_indicator})
    if auth.revenue_unit_rate_limit is not None:
        limit = auth.revenue_unit_rate_limit
        out.append({"url": f"{PAS}/extension-revenueUnitRateLimit", "valueDecimal": limit})
    if auth.order_number:
        order = {"reference": f"#{SERVICE_REQUEST_ID}"}
        out.append({"url": f"{PAS}/extension-requestedService", "valueReference": order})
    return out


def item_details(auth: AuthorizationRecord, information: list[int]) -> JSON:
    """Revenue code, modifiers, place of service, unit price and the supportingInfo it uses."""
    return compact(
        {
            "informationSequence": information,
            "revenue": concept(NUBC_REVENUE, auth.revenue_code) if auth.revenue_code else None,
            "modifier": [_modifier(code) for code in auth.modifiers],
            "locationCodeableConcept": concept(PLACE_OF_SERVICE, auth.place_of_service)
            if auth.place_of_service
            else None,
            "unitPrice": money(auth.unit_price) if auth.unit_price is not None else None,
        }
    )


def service_request(auth: AuthorizationRecord, product: JSON) -> JSON | None:
    """The requester's order for the service as a contained PAS ServiceRequest."""
    if not auth.order_number:
        return None
    requester = ref("Organization", resource_id("organization", auth.requesting_organization_npi))
    placer = {
        "type": concept(f"{THO}/v2-0203", "PLAC", "Placer Identifier"),
        "value": auth.order_number,
        "assigner": requester,
    }
    return {
        "resourceType": "ServiceRequest",
        "id": SERVICE_REQUEST_ID,
        "meta": {"profile": [f"{PAS}/profile-servicerequest"]},
        "identifier": [placer],
        "status": "revoked" if auth.status == "cancelled" else "active",
        "intent": "order",  # fixed by PAS
        "code": product,
        "quantityQuantity": {"value": auth.requested_quantity},
        "subject": ref("Patient", patient_id(auth.member_id)),
        "authoredOn": auth.request_date,
        "requester": ref("Practitioner", resource_id("practitioner", auth.requesting_npi)),
    }


def _modifier(code: str) -> JSON:
    """CPT modifiers are two digits; HCPCS level II modifiers have letters."""
    return concept(CPT if code.isdigit() else HCPCS_PAS, code)
