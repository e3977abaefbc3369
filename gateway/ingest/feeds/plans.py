"""Benefit plan feeds: insurance plans (products) and their networks (docs/feeds/plans.md)."""

from __future__ import annotations

from marshmallow import fields, validate

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
from mappings import plans
from mappings.directory_records import InsurancePlanRecord


class InsurancePlanSchema(RecordSchema):
    """One line of ``insurance_plans.jsonl``."""

    record = InsurancePlanRecord
    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    product_type = fields.String(required=True, validate=one_of("InsuranceProductTypeCS"))
    plan_type = fields.String(required=True, validate=one_of("InsurancePlanTypeCS"))
    owner_key = fields.String(required=True, validate=KEY)
    administrator_key = fields.String(required=True, validate=KEY)
    network_keys = fields.List(
        fields.String(validate=KEY), required=True, validate=validate.Length(1)
    )
    coverage_area_keys = keys()
    aliases = fields.List(fields.String(), load_default=list)
    identifier = fields.String(load_default=None)
    start = fields.String(load_default=None, validate=DATE)
    end = fields.String(load_default=None, validate=DATE)
    contact = fields.Nested(ContactSchema, load_default=None)
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
