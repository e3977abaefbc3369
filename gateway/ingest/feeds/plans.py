"""Benefit plan feeds: insurance plans (products) and their networks (docs/feeds/plans.md)."""

from __future__ import annotations

from marshmallow import validate

from gateway.ingest.feeds.fields import QuickList, Text
from gateway.ingest.feeds.kind import FeedKind
from gateway.ingest.feeds.providers import directory_kind
from gateway.ingest.feeds.providers_fields import (
    DATE,
    KEY,
    ContactSchema,
    RecordSchema,
    keys,
    one_of,
)
from gateway.ingest.feeds.schema import QuickNested
from mappings import plans
from mappings.directory_records import InsurancePlanRecord


class InsurancePlanSchema(RecordSchema):
    """One line of ``insurance_plans.jsonl``."""

    record = InsurancePlanRecord
    key = Text(required=True, validate=KEY)
    name = Text(required=True, validate=validate.Length(1, 200))
    product_type = Text(required=True, validate=one_of("InsuranceProductTypeCS"))
    plan_type = Text(required=True, validate=one_of("InsurancePlanTypeCS"))
    owner_key = Text(required=True, validate=KEY)
    administrator_key = Text(required=True, validate=KEY)
    network_keys = QuickList(Text(validate=KEY), required=True, validate=validate.Length(1))
    coverage_area_keys = keys()
    aliases = QuickList(Text(), load_default=list)
    identifier = Text(load_default=None)
    start = Text(load_default=None, validate=DATE)
    end = Text(load_default=None, validate=DATE)
    contact = QuickNested(ContactSchema, load_default=None)
    endpoint_keys = keys()


KINDS: tuple[FeedKind, ...] = (
    directory_kind(
        "insurance_plans",
        InsurancePlanSchema,
        plans.insurance_plan_json,
        plans.MAPPING_VERSION,
        14,
        "docs/feeds/plans.md",
    ),
)
