"""Row fields shared by the directory feeds (providers, networks, plans): nested schemas and rules.

Code lists come from the Plan-Net 1.1.0 CodeSystems, extracted into ``plannet_codes.json``.
"""

from __future__ import annotations

import json
from dataclasses import fields as dataclass_fields
from functools import cache
from importlib import resources
from typing import Any

from marshmallow import ValidationError, fields, validate

from gateway.ingest.feeds.fields import Flag, QuickList, Real, Text
from gateway.ingest.feeds.schema import FeedSchema, QuickNested
from mappings.directory_records import (
    AddressRecord,
    CodeRecord,
    ContactRecord,
    HoursRecord,
    LanguageRecord,
    QualificationRecord,
    UnavailableRecord,
)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATE = validate.Regexp(r"^[A-Z]{2}$", error="must be a two-letter USPS state code")
POSTAL = validate.Regexp(r"^\d{5}(-?\d{4})?$", error="must be a 5 or 9 digit ZIP code")
TIME = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$", error="must be a time HH:MM:SS")
DATE = validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error="must be a date YYYY-MM-DD")
KEY = validate.Regexp(r"^[A-Za-z0-9._-]{1,64}$", error="must be 1-64 letters, digits, . _ -")


@cache
def plannet_codes(code_system: str) -> tuple[str, ...]:
    """The codes of a Plan-Net CodeSystem (e.g. ``OrgTypeCS``)."""
    text = resources.files("gateway.ingest.feeds").joinpath("plannet_codes.json").read_text()
    return tuple(json.loads(text)["codes"][code_system])


ACTIVE_ONLY = validate.Equal(True, error="only active entries are published (Plan-Net active=true)")


def one_of(code_system: str, *, exclude: tuple[str, ...] = ()) -> validate.OneOf:
    """A validator accepting the codes of a Plan-Net CodeSystem."""
    return validate.OneOf([c for c in plannet_codes(code_system) if c not in exclude])


def npi_check(value: str) -> None:
    """Reject anything but a 10-digit NPI with a valid Luhn check digit (prefix 80840)."""
    if len(value) != 10 or not value.isdigit():
        raise ValidationError("must be a 10-digit NPI")
    if npi_check_digit(value[:9]) != value[9]:
        raise ValidationError("NPI check digit is wrong")


def npi_check_digit(first_nine: str) -> str:
    """The NPI check digit of the first nine digits (Luhn over ``80840`` + digits)."""
    total = 24  # the Luhn contribution of the 80840 prefix
    for index, char in enumerate(reversed(first_nine)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def to_record(cls: type[Any], data: dict[str, Any]) -> Any:
    """Build the record dataclass ``cls`` from loaded data, lists becoming tuples."""
    names = {f.name for f in dataclass_fields(cls)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}
    return cls(**values)


def keys(**kwargs: Any) -> QuickList:
    """A list of source keys (defaults to empty)."""
    return QuickList(Text(validate=KEY), load_default=list, **kwargs)


class RecordSchema(FeedSchema):
    """A schema whose ``load`` returns the dataclass named by ``record``."""

    record: type[Any]

    def make(self, data: dict[str, Any]) -> Any:
        """The record for this row."""
        return to_record(self.record, data)


class AddressSchema(RecordSchema):
    """``{lines, city, state, postal_code, country?, latitude?, longitude?}``."""

    record = AddressRecord
    lines = QuickList(Text(validate=validate.Length(1, 100)), load_default=list)
    city = Text(required=True, validate=validate.Length(1, 60))
    state = Text(required=True, validate=STATE)
    postal_code = Text(required=True, validate=POSTAL)
    country = Text(load_default="US", validate=validate.Length(2, 2))
    latitude = Real(load_default=None, validate=validate.Range(-90, 90))
    longitude = Real(load_default=None, validate=validate.Range(-180, 180))


class HoursSchema(RecordSchema):
    """``{days, all_day?, opening?, closing?}``."""

    record = HoursRecord
    days = QuickList(Text(validate=validate.OneOf(DAYS)), required=True)
    all_day = Flag(load_default=False)
    opening = Text(load_default=None, validate=TIME)
    closing = Text(load_default=None, validate=TIME)


class UnavailableSchema(RecordSchema):
    """``{description, start?, end?}``."""

    record = UnavailableRecord
    description = Text(required=True, validate=validate.Length(1, 200))
    start = Text(load_default=None, validate=DATE)
    end = Text(load_default=None, validate=DATE)


class CodeSchema(RecordSchema):
    """``{system, code, display?}``."""

    record = CodeRecord
    system = fields.Url(required=True, schemes={"http", "https", "urn"})
    code = Text(required=True, validate=validate.Length(1, 64))
    display = Text(load_default=None)


class QualificationSchema(RecordSchema):
    """``{code, issuer, status, identifier?, start?, end?, where_valid?}``."""

    record = QualificationRecord
    code = QuickNested(CodeSchema, required=True)
    issuer = Text(required=True, validate=validate.Length(1, 200))
    # Plan-Net 1.1.0 fixes the status to "active": only active credentials are published.
    status = Text(required=True, validate=validate.OneOf(["active"]))
    identifier = Text(load_default=None)
    start = Text(load_default=None, validate=DATE)
    end = Text(load_default=None, validate=DATE)
    where_valid = Text(load_default=None, validate=STATE)


class LanguageSchema(RecordSchema):
    """``{code, display, proficiency?}``."""

    record = LanguageRecord
    code = Text(required=True, validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"))
    display = Text(required=True)
    proficiency = Text(load_default=None, validate=one_of("LanguageProficiencyCS"))


class ContactSchema(RecordSchema):
    """``{name, phone}``."""

    record = ContactRecord
    name = Text(required=True, validate=validate.Length(1, 100))
    phone = Text(required=True, validate=validate.Length(7, 25))
