"""EHR feeds: persisted jobs, job issues, identities, patient links, held resources, sources.

Revision ID: 0004_ehr
Revises: 0001_store
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ehr"
down_revision = "0001_store"
branch_labels = ("ehr",)
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    _jobs()
    _ehr()


def _jobs() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("cursor", sa.Text, nullable=True),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created", Stamp, nullable=False),
        sa.Column("updated", Stamp, nullable=False),
        sa.Column("heartbeat", Stamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
    )
    op.create_index("ix_job_status_created", "job", ["status", "created"])
    op.create_table(
        "job_issue",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_job_issue"),
    )
    op.create_index("ix_job_issue_job_id", "job_issue", ["job_id", "id"])


def _ehr() -> None:
    op.create_table(
        "ehr_identity",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("res_type", sa.String(64), nullable=False),
        sa.Column("res_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_ehr_identity"),
    )
    op.create_table(
        "ehr_patient_link",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("source_patient", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("candidates", sa.Text, nullable=False),
        sa.Column("patient", sa.LargeBinary, nullable=False),
        sa.Column("created", Stamp, nullable=False),
        sa.Column("resolved", Stamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ehr_patient_link"),
    )
    op.create_index(
        "ix_ehr_patient_link_source", "ehr_patient_link", ["source", "source_patient"], unique=True
    )
    op.create_index("ix_ehr_patient_link_status", "ehr_patient_link", ["status", "created"])
    op.create_table(
        "ehr_staged",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("source_patient", sa.String(128), nullable=False),
        sa.Column("res_type", sa.String(64), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ehr_staged"),
    )
    op.create_index("ix_ehr_staged_source", "ehr_staged", ["source", "source_patient", "body_hash"])
    op.create_table(
        "ehr_source_link",
        sa.Column("res_type", sa.String(64), nullable=False),
        sa.Column("res_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("first_seen", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("res_type", "res_id", "source", name="pk_ehr_source_link"),
    )


def downgrade() -> None:
    for name in ("ehr_source_link", "ehr_staged", "ehr_patient_link", "ehr_identity"):
        op.drop_table(name)
    op.drop_table("job_issue")
    op.drop_table("job")
