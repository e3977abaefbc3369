"""The FHIR store's tables: current resources, every version, and (in index_tables) the index.

Bodies are the exact JSON bytes served (DESIGN D1): a read passes them through unparsed.
Migrations live in ``gateway/store/migrations``; tests build the schema through them too.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# SQLite only makes INTEGER PRIMARY KEY a rowid alias (autoincrement); PostgreSQL gets BIGINT.
RowId = BigInteger().with_variant(Integer(), "sqlite")

resource = Table(
    "resource",
    metadata,
    Column("rid", RowId, primary_key=True, autoincrement=True),
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("last_updated", DateTime(timezone=True), nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("body", LargeBinary, nullable=False),
    # sha256 of the body without meta.versionId/lastUpdated: an unchanged reload writes nothing.
    Column("content_hash", String(64), nullable=False),
    # The mapping (family@version) that produced the resource; null for FHIR sent to us.
    Column("mapping_version", String(64), nullable=True),
    UniqueConstraint("res_type", "res_id"),
    Index("ix_resource_type_updated", "res_type", "last_updated"),
)

resource_history = Table(
    "resource_history",
    metadata,
    Column("rid", RowId, primary_key=True, autoincrement=False),
    Column("version_id", Integer, primary_key=True),
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    Column("last_updated", DateTime(timezone=True), nullable=False),
    Column("method", String(8), nullable=False),
    # Null for a deletion: vread of that version answers 410.
    Column("body", LargeBinary, nullable=True),
    Index("ix_resource_history_type_updated", "res_type", "last_updated"),
    Index("ix_resource_history_updated", "last_updated"),
)
