"""Network feeds: provider networks and organization affiliations (docs/feeds/networks.md)."""

from __future__ import annotations

from marshmallow import validate

from gateway.ingest.feeds.fields import Flag, QuickList, Text
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.providers import directory_kind
from gateway.ingest.feeds.providers_fields import (
    DATE,
    KEY,
    AddressSchema,
    CodeSchema,
    ContactSchema,
    RecordSchema,
    keys,
    one_of,
)
from gateway.ingest.feeds.schema import QuickNested
from mappings import network
from mappings.directory_records import NetworkRecord, OrganizationAffiliationRecord

DOC = "docs/feeds/networks.md"


class NetworkSchema(RecordSchema):
    """One line of ``networks.jsonl``."""

    record = NetworkRecord
    key = Text(required=True, validate=KEY)
    name = Text(required=True, validate=validate.Length(1, 200))
    owner_key = Text(required=True, validate=KEY)
    phone = Text(required=True, validate=validate.Length(7, 25))
    address = QuickNested(AddressSchema, required=True)
    aliases = QuickList(Text(), load_default=list)
    contact = QuickNested(ContactSchema, load_default=None)
    coverage_area_keys = keys()
    endpoint_keys = keys()


class OrganizationAffiliationSchema(RecordSchema):
    """One line of ``organization_affiliations.jsonl``."""

    record = OrganizationAffiliationRecord
    key = Text(required=True, validate=KEY)
    primary_org_key = Text(required=True, validate=KEY)
    participating_org_key = Text(required=True, validate=KEY)
    role_code = Text(required=True, validate=one_of("OrganizationAffiliationRoleCS"))
    network_keys = keys()
    specialties = QuickList(QuickNested(CodeSchema), load_default=list)
    location_keys = keys()
    service_keys = keys()
    endpoint_keys = keys()
    phone = Text(load_default=None, validate=validate.Length(7, 25))
    start = Text(load_default=None, validate=DATE)
    end = Text(load_default=None, validate=DATE)
    active = Flag(load_default=True)


KINDS: tuple[FeedKind, ...] = (
    directory_kind(
        "networks", NetworkSchema, network.network_json, network.MAPPING_VERSION, 10, DOC
    ),
    directory_kind(
        "organization_affiliations",
        OrganizationAffiliationSchema,
        network.organization_affiliation_json,
        network.MAPPING_VERSION,
        13,
        DOC,
    ),
)
