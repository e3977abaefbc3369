"""The authorization server's tables and the audit log.

Revision ID: 0003_auth
Revises: 0001_store
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_auth"
down_revision = "0001_store"
branch_labels = ("auth",)
depends_on = None


def _tables() -> sa.MetaData:
    """The tables as this revision creates them (copied from their modules at this revision)."""
    from auth.tables import metadata as auth_metadata
    from gateway.audit.tables import metadata as audit_metadata

    frozen = sa.MetaData()
    for md in (auth_metadata, audit_metadata):
        for table in md.sorted_tables:
            table.to_metadata(frozen)
    return frozen


def upgrade() -> None:
    _tables().create_all(bind=op.get_bind())


def downgrade() -> None:
    _tables().drop_all(bind=op.get_bind())
