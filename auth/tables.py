"""The authorization server's tables, with their own MetaData (auth never imports gateway).

Times are integer epoch seconds. Tokens, codes and launch values are stored as SHA-256 hashes
only. Migration: ``gateway/store/migrations/versions/0003_auth.py``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)
RowId = BigInteger().with_variant(Integer(), "sqlite")

client = Table(
    "auth_client",
    metadata,
    Column("client_id", String(128), primary_key=True),
    Column("client_name", String(200), nullable=False),
    Column("client_type", String(16), nullable=False),  # public | confidential | backend
    Column(
        "auth_method", String(32), nullable=False
    ),  # none | client_secret_basic | private_key_jwt
    Column("secret_hash", String(64), nullable=True),
    Column("redirect_uris", Text, nullable=False, default=""),
    Column("jwks", Text, nullable=True),
    Column("jwks_uri", String(500), nullable=True),
    Column("scope", Text, nullable=False),  # the most this client may ever be granted
    Column("created_at", BigInteger, nullable=False),
)

login = Table(
    "auth_login",
    metadata,
    Column("login_id", RowId, primary_key=True, autoincrement=True),
    Column("username", String(128), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # member | representative | auditor
    Column("fhir_user", String(200), nullable=True),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("locked_until", BigInteger, nullable=False, default=0),
)

login_patient = Table(
    "auth_login_patient",
    metadata,
    Column("login_id", RowId, primary_key=True),
    Column("patient_id", String(64), primary_key=True),
    Column("display", String(200), nullable=False, default=""),
)

grant = Table(
    "auth_grant",
    metadata,
    Column("grant_id", String(32), primary_key=True),
    Column("login_id", RowId, nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("patient_id", String(64), nullable=True),
    Column("scope", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Index("ix_auth_grant_login_id", "login_id"),
)

code = Table(
    "auth_code",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", String(128), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("grant_id", String(32), nullable=False),
    Column("nonce", String(200), nullable=True),
    Column("code_challenge", String(128), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)

token = Table(
    "auth_token",
    metadata,
    Column("token_id", RowId, primary_key=True, autoincrement=True),
    Column("access_hash", String(64), nullable=False, unique=True),
    Column("refresh_hash", String(64), nullable=True, unique=True),
    Column("family_id", String(32), nullable=False),
    Column("grant_id", String(32), nullable=True),
    Column("client_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),  # patient | user | system
    Column("patient_id", String(64), nullable=True),
    Column("fhir_user", String(200), nullable=True),
    Column("subject", String(64), nullable=True),
    Column("audience", String(500), nullable=False),
    Column("scope", Text, nullable=False),
    Column("issued_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("refresh_expires_at", BigInteger, nullable=True),
    Column("rotated", Boolean, nullable=False, default=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Index("ix_auth_token_family_id", "family_id"),
    Index("ix_auth_token_grant_id", "grant_id"),
)

jti = Table(
    "auth_jti",
    metadata,
    Column("jti_hash", String(64), primary_key=True),
    Column("expires_at", BigInteger, nullable=False),
)

launch = Table(
    "auth_launch",
    metadata,
    Column("launch_hash", String(64), primary_key=True),
    Column("patient_id", String(64), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)
