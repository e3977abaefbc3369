"""The search index tables (one per parameter type) and Patient compartment membership.

Revision ID: 0002_search_index
Revises: 0001_store
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002_search_index"
down_revision = "0001_store"
branch_labels = ("search",)
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Text = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")

VALUE_COLUMNS: dict[str, tuple[tuple[str, sa.types.TypeEngine[Any], bool], ...]] = {
    "search_string": (("value", Text, False), ("exact", sa.String(512), False)),
    "search_token": (
        ("system", Text, True),
        ("code", Text, True),
        ("ci", sa.Boolean(), False),
        ("text", Text, True),
        ("type_system", Text, True),
        ("type_code", Text, True),
    ),
    "search_reference": (
        ("target_type", sa.String(64), True),
        ("target_id", sa.String(64), True),
        ("url", sa.String(512), True),
        ("ident_system", Text, True),
        ("ident_value", Text, True),
    ),
    "search_date": (("low", sa.String(26), False), ("high", sa.String(26), False)),
    "search_number": (("value", sa.Float(), False),),
    "search_quantity": (("value", sa.Float(), False), ("system", Text, True), ("code", Text, True)),
    "search_uri": (("value", sa.String(512), False),),
}
VALUE_INDEX = {
    "search_string": ("value",),
    "search_token": ("code",),
    "search_reference": ("target_id",),
    "search_date": ("low", "high"),
    "search_number": ("value",),
    "search_quantity": ("value",),
    "search_uri": ("value",),
}


def upgrade() -> None:
    for name, columns in VALUE_COLUMNS.items():
        op.create_table(
            name,
            sa.Column("rid", RowId, nullable=False),
            sa.Column("res_type", sa.String(64), nullable=False),
            sa.Column("param", sa.String(64), nullable=False),
            *(sa.Column(col, kind, nullable=null) for col, kind, null in columns),
        )
        op.create_index(f"ix_{name}_rid", name, ["rid", "res_type", "param"])
        op.create_index(f"ix_{name}_value", name, ["res_type", "param", *VALUE_INDEX[name], "rid"])
    op.create_index("ix_search_reference_target", "search_reference", ["target_type", "target_id"])
    op.create_table(
        "search_compartment",
        sa.Column("rid", RowId, nullable=False),
        sa.Column("patient_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_search_compartment_patient", "search_compartment", ["patient_id", "rid"])
    op.create_index("ix_search_compartment_rid", "search_compartment", ["rid"])


def downgrade() -> None:
    op.drop_table("search_compartment")
    for name in VALUE_COLUMNS:
        op.drop_table(name)
