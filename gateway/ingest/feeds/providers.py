"""Provider directory feeds: practitioners, organizations, locations, roles, services, endpoints.

Formats: docs/feeds/providers.md. Mappings: mappings/providers*.py (Plan-Net 1.1.0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import fields, validate

from gateway.ingest.feeds.fields import Flag, QuickList, Text
from gateway.ingest.feeds.kind import FeedKind, MappedResources
from gateway.ingest.feeds.providers_fields import (
    ACTIVE_ONLY,
    DATE,
    KEY,
    AddressSchema,
    CodeSchema,
    ContactSchema,
    HoursSchema,
    LanguageSchema,
    QualificationSchema,
    RecordSchema,
    UnavailableSchema,
    keys,
    npi_check,
    one_of,
)
from gateway.ingest.feeds.schema import QuickNested
from mappings import providers, providers_locations, providers_roles
from mappings.directory_records import (
    EndpointRecord,
    HealthcareServiceRecord,
    LocationRecord,
    OrganizationRecord,
    PractitionerRecord,
    PractitionerRoleRecord,
)

PHONE = validate.Length(7, 25)


def mapped(to_json: Callable[[Any], dict[str, Any]]) -> Callable[[Any], MappedResources]:
    """A feed kind's ``to_fhir``: the record's one resource as FHIR JSON.

    The ``*_json`` mappings are used directly (the loader checks the structure of what they
    return); building the model first would double the cost of a load.
    """

    def to_fhir(record: Any) -> MappedResources:
        return [to_json(record)]

    return to_fhir


class PractitionerSchema(RecordSchema):
    """One line of ``practitioners.jsonl``."""

    record = PractitionerRecord
    npi = Text(required=True, validate=npi_check)
    family = Text(required=True, validate=validate.Length(1, 60))
    given = QuickList(Text(validate=validate.Length(1, 60)), required=True)
    phone = Text(required=True, validate=PHONE)
    address = QuickNested(AddressSchema, required=True)
    active = Flag(load_default=True, validate=ACTIVE_ONLY)
    prefix = Text(load_default=None)
    suffix = Text(load_default=None)
    gender = Text(
        load_default=None, validate=validate.OneOf(["male", "female", "other", "unknown"])
    )
    languages = QuickList(QuickNested(LanguageSchema), load_default=list)
    qualifications = QuickList(QuickNested(QualificationSchema), load_default=list)


class OrganizationSchema(RecordSchema):
    """One line of ``organizations.jsonl`` (providers, facilities, pharmacies, payers)."""

    record = OrganizationRecord
    key = Text(required=True, validate=KEY)
    name = Text(required=True, validate=validate.Length(1, 200))
    org_type = Text(required=True, validate=one_of("OrgTypeCS", exclude=("ntwk",)))
    phone = Text(load_default=None, validate=PHONE)
    address = QuickNested(AddressSchema, required=True)
    npi = Text(load_default=None, validate=npi_check)
    tin = Text(load_default=None, validate=validate.Regexp(r"^\d{9}$"))
    aliases = QuickList(Text(), load_default=list)
    active = Flag(load_default=True)
    url = fields.Url(load_default=None)
    partof_key = Text(load_default=None, validate=KEY)
    description = Text(load_default=None)
    contact = QuickNested(ContactSchema, load_default=None)
    qualifications = QuickList(QuickNested(QualificationSchema), load_default=list)
    coverage_area_keys = keys()
    endpoint_keys = keys()
    hours = QuickList(QuickNested(HoursSchema), load_default=list)


class LocationSchema(RecordSchema):
    """One line of ``locations.jsonl`` (sites of care and coverage areas)."""

    record = LocationRecord
    key = Text(required=True, validate=KEY)
    name = Text(required=True, validate=validate.Length(1, 200))
    type_code = Text(load_default=None, validate=validate.Regexp(r"^[A-Z]{2,10}$"))
    address = QuickNested(AddressSchema, required=True)
    phone = Text(load_default=None, validate=PHONE)
    aliases = QuickList(Text(), load_default=list)
    description = Text(load_default=None)
    managing_org_key = Text(load_default=None, validate=KEY)
    partof_key = Text(load_default=None, validate=KEY)
    hours = QuickList(QuickNested(HoursSchema), load_default=list)
    availability_exceptions = Text(load_default=None)
    new_patients = Text(load_default=None, validate=one_of("AcceptingPatientsCS"))
    accessibility = QuickList(Text(validate=one_of("AccessibilityCS")), load_default=list)
    boundary_geojson = Text(load_default=None)
    endpoint_keys = keys()


class PractitionerRoleSchema(RecordSchema):
    """One line of ``practitioner_roles.jsonl``."""

    record = PractitionerRoleRecord
    key = Text(required=True, validate=KEY)
    practitioner_npi = Text(required=True, validate=npi_check)
    organization_key = Text(required=True, validate=KEY)
    role_code = Text(required=True, validate=one_of("ProviderRoleCS"))
    specialties = QuickList(QuickNested(CodeSchema), required=True, validate=validate.Length(1))
    location_keys = keys()
    service_keys = keys()
    network_keys = keys()
    endpoint_keys = keys()
    phone = Text(load_default=None, validate=PHONE)
    hours = QuickList(QuickNested(HoursSchema), load_default=list)
    not_available = QuickList(QuickNested(UnavailableSchema), load_default=list)
    new_patients = Text(load_default=None, validate=one_of("AcceptingPatientsCS"))
    credential = QuickNested(QualificationSchema, load_default=None)
    start = Text(load_default=None, validate=DATE)
    end = Text(load_default=None, validate=DATE)
    active = Flag(load_default=True)


class HealthcareServiceSchema(RecordSchema):
    """One line of ``healthcare_services.jsonl``."""

    record = HealthcareServiceRecord
    key = Text(required=True, validate=KEY)
    organization_key = Text(required=True, validate=KEY)
    name = Text(required=True, validate=validate.Length(1, 200))
    category = Text(required=True, validate=one_of("HealthcareServiceCategoryCS"))
    types = QuickList(QuickNested(CodeSchema), load_default=list)
    specialties = QuickList(QuickNested(CodeSchema), load_default=list)
    location_keys = keys()
    coverage_area_keys = keys()
    endpoint_keys = keys()
    comment = Text(load_default=None)
    phone = Text(load_default=None, validate=PHONE)
    appointment_required = Flag(load_default=False)
    hours = QuickList(QuickNested(HoursSchema), load_default=list)
    not_available = QuickList(QuickNested(UnavailableSchema), load_default=list)
    availability_exceptions = Text(load_default=None)
    delivery = Text(load_default="physical", validate=one_of("DeliveryMethodCS"))
    virtual_modalities = QuickList(Text(validate=one_of("VirtualModalitiesCS")), load_default=list)
    new_patients = Text(load_default=None, validate=one_of("AcceptingPatientsCS"))
    active = Flag(load_default=True)


class EndpointSchema(RecordSchema):
    """One line of ``endpoints.jsonl``."""

    record = EndpointRecord
    key = Text(required=True, validate=KEY)
    name = Text(required=True, validate=validate.Length(1, 200))
    address = fields.Url(required=True, schemes={"https"})
    connection_type = Text(required=True, validate=one_of("EndpointConnectionTypeCS"))
    managing_org_key = Text(required=True, validate=KEY)
    usecase = Text(required=True, validate=validate.Regexp(r"^[A-Z]{3,12}$"))
    mime_types = QuickList(Text(), load_default=lambda: ["application/fhir+json"])
    contact_email = fields.Email(load_default=None)


def directory_kind(
    name: str,
    schema: type[RecordSchema],
    to_json: Any,
    version: str,
    order: int,
    doc: str = "docs/feeds/providers.md",
) -> FeedKind:
    """A JSON Lines directory feed kind mapping each row to one resource."""
    return FeedKind(
        name=name,
        file_pattern=f"{name}*.jsonl",
        file_format="jsonl",
        schema=schema,
        to_fhir=mapped(to_json),
        mapping_version=version,
        order=order,
        doc=doc,
    )


KINDS: tuple[FeedKind, ...] = (
    directory_kind(
        "endpoints",
        EndpointSchema,
        providers_locations.endpoint_json,
        providers_locations.MAPPING_VERSION,
        10,
    ),
    directory_kind(
        "organizations",
        OrganizationSchema,
        providers.organization_json,
        providers.MAPPING_VERSION,
        10,
    ),
    directory_kind(
        "locations",
        LocationSchema,
        providers_locations.location_json,
        providers_locations.MAPPING_VERSION,
        11,
    ),
    directory_kind(
        "practitioners",
        PractitionerSchema,
        providers.practitioner_json,
        providers.MAPPING_VERSION,
        11,
    ),
    directory_kind(
        "healthcare_services",
        HealthcareServiceSchema,
        providers_roles.healthcare_service_json,
        providers_roles.MAPPING_VERSION,
        12,
    ),
    directory_kind(
        "practitioner_roles",
        PractitionerRoleSchema,
        providers_roles.practitioner_role_json,
        providers_roles.MAPPING_VERSION,
        13,
    ),
)
