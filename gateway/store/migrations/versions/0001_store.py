"""The resource store: current resources and every version.

Revision ID: 0001_store
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_store"
down_revision = None
branch_labels = ("store",)
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("rid", RowId, primary_key=True, autoincrement=True),
        sa.Column("res_type", sa.String(64), nullable=False),
        sa.Column("res_id", sa.String(64), nullable=False),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("mapping_version", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("rid", name="pk_resource"),
        sa.UniqueConstraint("res_type", "res_id", name="uq_resource_res_type_res_id"),
    )
    op.create_index("ix_resource_type_updated", "resource", ["res_type", "last_updated"])
    op.create_table(
        "resource_history",
        sa.Column("rid", RowId, nullable=False),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("res_type", sa.String(64), nullable=False),
        sa.Column("res_id", sa.String(64), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("rid", "version_id", name="pk_resource_history"),
    )
    op.create_index(
        "ix_resource_history_type_updated", "resource_history", ["res_type", "last_updated"]
    )
    op.create_index("ix_resource_history_updated", "resource_history", ["last_updated"])


def downgrade() -> None:
    op.drop_table("resource_history")
    op.drop_table("resource")
