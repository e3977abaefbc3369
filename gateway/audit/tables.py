"""The append-only audit log of access to member data (own MetaData; migration 0003_auth).

Rows are only ever inserted: no code path updates or deletes them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s"})
RowId = BigInteger().with_variant(Integer(), "sqlite")

audit_event = Table(
    "audit_event",
    metadata,
    Column("event_id", RowId, primary_key=True, autoincrement=True),
    Column("recorded", DateTime(timezone=True), nullable=False),
    Column("action", String(32), nullable=False),  # read, search, create, ..., token
    Column("outcome", String(16), nullable=False),  # success | refused | failed
    Column("agent_kind", String(16), nullable=False),
    Column("client_id", String(128), nullable=True),
    Column("fhir_user", String(200), nullable=True),
    Column("patient_id", String(64), nullable=True),
    Column("resource_type", String(64), nullable=True),
    Column("resource_ids", Text, nullable=False, default=""),
    Column("token_hash", String(64), nullable=True),
    Index("ix_audit_event_patient_id", "patient_id", "event_id"),
)
