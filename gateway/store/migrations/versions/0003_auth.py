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

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = (
    "audit_event",
    "auth_client",
    "auth_code",
    "auth_grant",
    "auth_jti",
    "auth_launch",
    "auth_login",
    "auth_login_patient",
    "auth_token",
)


def upgrade() -> None:
    op.create_table(
        "auth_client",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("client_type", sa.String(length=16), nullable=False),
        sa.Column("auth_method", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("redirect_uris", sa.Text(), nullable=False),
        sa.Column("jwks", sa.Text(), nullable=True),
        sa.Column("jwks_uri", sa.String(length=500), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_auth_client")),
    )
    op.create_table(
        "auth_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("grant_id", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=200), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_auth_code")),
    )
    op.create_table(
        "auth_grant",
        sa.Column("grant_id", sa.String(length=32), nullable=False),
        sa.Column("login_id", RowId, nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("grant_id", name=op.f("pk_auth_grant")),
    )
    op.create_index("ix_auth_grant_login_id", "auth_grant", ["login_id"], unique=False)
    op.create_table(
        "auth_jti",
        sa.Column("jti_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("jti_hash", name=op.f("pk_auth_jti")),
    )
    op.create_table(
        "auth_launch",
        sa.Column("launch_hash", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("launch_hash", name=op.f("pk_auth_launch")),
    )
    op.create_table(
        "auth_login",
        sa.Column("login_id", RowId, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("fhir_user", sa.String(length=200), nullable=True),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("login_id", name=op.f("pk_auth_login")),
        sa.UniqueConstraint("username", name=op.f("uq_auth_login_username")),
    )
    op.create_table(
        "auth_login_patient",
        sa.Column("login_id", RowId, nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("display", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("login_id", "patient_id", name=op.f("pk_auth_login_patient")),
    )
    op.create_table(
        "auth_token",
        sa.Column("token_id", RowId, autoincrement=True, nullable=False),
        sa.Column("access_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=True),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.Column("grant_id", sa.String(length=32), nullable=True),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=True),
        sa.Column("fhir_user", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("audience", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("refresh_expires_at", sa.BigInteger(), nullable=True),
        sa.Column("rotated", sa.Boolean(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_auth_token")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_auth_token_access_hash")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_auth_token_refresh_hash")),
    )
    op.create_index("ix_auth_token_family_id", "auth_token", ["family_id"], unique=False)
    op.create_index("ix_auth_token_grant_id", "auth_token", ["grant_id"], unique=False)
    op.create_table(
        "audit_event",
        sa.Column("event_id", RowId, autoincrement=True, nullable=False),
        sa.Column("recorded", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("agent_kind", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=True),
        sa.Column("fhir_user", sa.String(length=200), nullable=True),
        sa.Column("patient_id", sa.String(length=64), nullable=True),
        sa.Column("resource_type", sa.String(length=64), nullable=True),
        sa.Column("resource_ids", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_audit_event_patient_id", "audit_event", ["patient_id", "event_id"], unique=False
    )


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
