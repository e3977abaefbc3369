"""The EHR ingest tables: identities, patient links (and the review queue), held resources.

Created by migration ``0004_ehr``. None of these rows is served: the FHIR store holds what is
served; these hold how EHR data maps onto it (docs/ehr-feeds.md).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from gateway.store.tables import NAMING, RowId

metadata = MetaData(naming_convention=NAMING)

# Every key that identifies an ingested resource (sha256 of the key text) -> its stored id.
# Keys: a feed's own "Type/id", "Type|identifier system|value", and the clinical-fact key.
ehr_identity = Table(
    "ehr_identity",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    # The feed that first used the key: a clinical-fact key only merges across feeds.
    Column("source", String(128), nullable=False),
)

# One row per (feed, EHR patient id): matched to a member, or waiting in the review queue.
ehr_patient_link = Table(
    "ehr_patient_link",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(128), nullable=False),
    Column("source_patient", String(128), nullable=False),
    # matched | review | rejected
    Column("status", String(16), nullable=False),
    Column("member_id", String(64), nullable=True),
    Column("rule", String(32), nullable=False),
    Column("candidates", Text, nullable=False),
    Column("patient", LargeBinary, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("resolved", DateTime(timezone=True), nullable=True),
    Index("ix_ehr_patient_link_source", "source", "source_patient", unique=True),
    Index("ix_ehr_patient_link_status", "status", "created"),
)

# Resources of a patient not (yet) matched: held, never served, released on resolution.
ehr_staged = Table(
    "ehr_staged",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("source", String(128), nullable=False),
    Column("source_patient", String(128), nullable=False),
    Column("res_type", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("body_hash", String(64), nullable=False),
    Index("ix_ehr_staged_source", "source", "source_patient", "body_hash"),
)

# The feeds a stored resource came from (de-duplication keeps one resource, many sources).
ehr_source_link = Table(
    "ehr_source_link",
    metadata,
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    Column("source", String(128), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("res_type", "res_id", "source"),
)
