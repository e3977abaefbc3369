"""The search index: one table per parameter type, plus Patient compartment membership.

Rows are written by :mod:`gateway.store.indexing` in the resource's write transaction and
read by the compiler in :mod:`gateway.store.search_sql`. ``res_type`` + ``param`` lead every
value index, so a parameter's rows are one contiguous index range (DESIGN D4, D7).
Strings compared by range (prefix search) use the "C" collation on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table

from gateway.store.tables import NAMING, RowId

metadata = MetaData(naming_convention=NAMING)

Text = String(255).with_variant(String(255, collation="C"), "postgresql")


def _base(name: str, *columns: Column[object], value_index: tuple[str, ...]) -> Table:
    table = Table(
        name,
        metadata,
        Column("rid", RowId, nullable=False),
        Column("res_type", String(64), nullable=False),
        Column("param", String(64), nullable=False),
        *columns,
        # The element group of a grouped composite's component rows (``param`` = ``C$i``),
        # NULL for every other row; see gateway.search.composites (migration 0005).
        Column("grp", Integer, nullable=True),
    )
    # Leads with rid: deletes, and the EXISTS probes of non-driving criteria.
    Index(f"ix_{name}_rid", table.c.rid, table.c.res_type, table.c.param)
    Index(f"ix_{name}_value", table.c.res_type, table.c.param, *value_index, table.c.rid)
    return table


# value: accent- and case-folded text (prefix/contains); exact: the original text.
search_string = _base(
    "search_string",
    Column("value", Text, nullable=False),
    Column("exact", String(512), nullable=False),
    value_index=("value",),
)
# code: lower-cased when ``ci`` (codes compare case-insensitively, CONFORMANCE 2.4), else as
# stored (identifier values); text: folded display/text for :text; type_*: Identifier.type.
search_token = _base(
    "search_token",
    Column("system", Text, nullable=True),
    Column("code", Text, nullable=True),
    Column("ci", Boolean, nullable=False),
    Column("text", Text, nullable=True),
    Column("type_system", Text, nullable=True),
    Column("type_code", Text, nullable=True),
    value_index=("code",),
)
# Local targets keep type and id (relative or absolute on any base); url keeps absolute and
# canonical references; ident_* keeps Reference.identifier for :identifier.
search_reference = _base(
    "search_reference",
    Column("target_type", String(64), nullable=True),
    Column("target_id", String(64), nullable=True),
    Column("url", String(512), nullable=True),
    Column("ident_system", Text, nullable=True),
    Column("ident_value", Text, nullable=True),
    value_index=("target_id",),
)
Index("ix_search_reference_target", search_reference.c.target_type, search_reference.c.target_id)
# low/high: UTC instants as fixed-width text "YYYY-MM-DDTHH:MM:SS.ffffff"; open ends use the
# extreme values, so every comparison is a plain string comparison on both backends.
search_date = _base(
    "search_date",
    Column("low", String(26), nullable=False),
    Column("high", String(26), nullable=False),
    value_index=("low", "high"),
)
search_number = _base(
    "search_number", Column("value", Float, nullable=False), value_index=("value",)
)
search_quantity = _base(
    "search_quantity",
    Column("value", Float, nullable=False),
    Column("system", Text, nullable=True),
    Column("code", Text, nullable=True),
    value_index=("value",),
)
search_uri = _base(
    "search_uri", Column("value", String(512), nullable=False), value_index=("value",)
)
# ``near`` (Location.position): degrees for the bounding-box prefilter (indexed range on
# latitude, then longitude), and the unit vector x, y, z for the exact great-circle test.
search_position = _base(
    "search_position",
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
    Column("z", Float, nullable=False),
    value_index=("latitude", "longitude"),
)
# Patient compartment membership (https://hl7.org/fhir/R4/compartmentdefinition-patient.html):
# one row per (resource, patient); a Patient is in its own compartment.
search_compartment = Table(
    "search_compartment",
    metadata,
    Column("rid", RowId, nullable=False),
    Column("patient_id", String(64), nullable=False),
    Index("ix_search_compartment_patient", "patient_id", "rid"),
    Index("ix_search_compartment_rid", "rid"),
)

VALUE_TABLES: dict[str, Table] = {
    "string": search_string,
    "token": search_token,
    "reference": search_reference,
    "date": search_date,
    "number": search_number,
    "quantity": search_quantity,
    "uri": search_uri,
    "position": search_position,
}
ALL_TABLES: tuple[Table, ...] = (*VALUE_TABLES.values(), search_compartment)
