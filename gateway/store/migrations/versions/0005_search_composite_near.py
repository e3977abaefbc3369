"""Grouped composite rows (a ``grp`` column on every value table) and ``near`` positions.

Revision ID: 0005_search_composite_near
Revises: 0002_search_index

Existing rows keep ``grp`` NULL. Rows for the new grouped composites and positions appear
when resources are written or re-indexed: run ``gateway reindex --type Observation`` and
``gateway reindex --type Location`` (and any other type with composites) after upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_search_composite_near"
down_revision = "0002_search_index"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
VALUE_TABLES = (
    "search_string",
    "search_token",
    "search_reference",
    "search_date",
    "search_number",
    "search_quantity",
    "search_uri",
)


def upgrade() -> None:
    for name in VALUE_TABLES:
        op.add_column(name, sa.Column("grp", sa.Integer(), nullable=True))
    op.create_table(
        "search_position",
        sa.Column("rid", RowId, nullable=False),
        sa.Column("res_type", sa.String(64), nullable=False),
        sa.Column("param", sa.String(64), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("z", sa.Float(), nullable=False),
        sa.Column("grp", sa.Integer(), nullable=True),
    )
    op.create_index("ix_search_position_rid", "search_position", ["rid", "res_type", "param"])
    op.create_index(
        "ix_search_position_value",
        "search_position",
        ["res_type", "param", "latitude", "longitude", "rid"],
    )


def downgrade() -> None:
    op.drop_table("search_position")
    for name in VALUE_TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("grp")
