"""The jobs tables: one row per job, and the per-line issues a job reports.

Created by migration ``0004_ehr``. A job's ``cursor`` is the resume point, written in the same
transaction as the batch it follows, so a crash never leaves a half-counted batch.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from gateway.store.tables import NAMING, RowId

metadata = MetaData(naming_convention=NAMING)

job = Table(
    "job",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    # queued -> running -> succeeded | failed; a running job whose heartbeat stops is resumed.
    Column("status", String(16), nullable=False),
    Column("params", Text, nullable=False),
    Column("cursor", Text, nullable=True),
    Column("counts", Text, nullable=False),
    Column("error", String(300), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
    Column("heartbeat", DateTime(timezone=True), nullable=True),
    Index("ix_job_status_created", "status", "created"),
)

job_issue = Table(
    "job_issue",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("job_id", String(36), nullable=False),
    Column("file", String(255), nullable=False),
    Column("line", Integer, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("message", String(500), nullable=False),
    Index("ix_job_issue_job_id", "job_id", "id"),
)
