"""Job rows: create, claim, checkpoint each batch, finish or fail visibly (DESIGN D10).

Every function takes a connection; callers own the transaction. ``checkpoint`` runs in the
transaction of the batch it records, so the cursor and the batch's writes commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from gateway.jobs.tables import job, job_issue
from gateway.store.records import as_utc

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
MAX_ATTEMPTS = 3
MAX_ISSUES = 1000


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored: kind, status, parameters, resume cursor and progress counts."""

    id: str
    kind: str
    status: str
    params: dict[str, Any]
    cursor: dict[str, Any] | None
    counts: dict[str, int]
    error: str | None
    attempts: int
    created: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class JobIssue:
    """One problem a job met, located by file and line."""

    file: str
    line: int
    severity: str
    message: str


def now() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


def create(conn: Connection, kind: str, params: Mapping[str, Any]) -> str:
    """Queue a new job; its id."""
    job_id = str(uuid.uuid4())
    at = now()
    conn.execute(
        insert(job),
        {
            "id": job_id,
            "kind": kind,
            "status": QUEUED,
            "params": orjson.dumps(dict(params)).decode(),
            "cursor": None,
            "counts": "{}",
            "attempts": 0,
            "created": at,
            "updated": at,
        },
    )
    return job_id


def get(conn: Connection, job_id: str) -> Job | None:
    """A job by id, or ``None``."""
    row = conn.execute(select(job).where(job.c.id == job_id)).mappings().first()
    return _job(row) if row else None


def claim(conn: Connection, job_id: str) -> bool:
    """Mark a queued job running; ``False`` when another worker got it first."""
    result = conn.execute(
        update(job)
        .where(job.c.id == job_id, job.c.status == QUEUED)
        .values(status=RUNNING, attempts=job.c.attempts + 1, updated=now(), heartbeat=now())
    )
    return result.rowcount == 1


def next_queued(conn: Connection) -> str | None:
    """The oldest queued job's id."""
    stmt = select(job.c.id).where(job.c.status == QUEUED).order_by(job.c.created).limit(1)
    return conn.execute(stmt).scalar()


def unfinished(conn: Connection) -> bool:
    """True while any job is queued or running (here or in another process)."""
    stmt = select(job.c.id).where(job.c.status.in_((QUEUED, RUNNING))).limit(1)
    return conn.execute(stmt).first() is not None


def checkpoint(
    conn: Connection, job_id: str, cursor: Mapping[str, Any], counts: Mapping[str, int]
) -> None:
    """Record the resume point and counts after a batch, inside the batch's transaction."""
    conn.execute(
        update(job)
        .where(job.c.id == job_id)
        .values(
            cursor=orjson.dumps(dict(cursor)).decode(),
            counts=orjson.dumps(dict(counts)).decode(),
            updated=now(),
            heartbeat=now(),
        )
    )


def finish(conn: Connection, job_id: str, counts: Mapping[str, int]) -> None:
    """Mark a job succeeded with its final counts."""
    conn.execute(
        update(job)
        .where(job.c.id == job_id)
        .values(status=SUCCEEDED, counts=orjson.dumps(dict(counts)).decode(), updated=now())
    )


def fail(conn: Connection, job_id: str, reason: str) -> None:
    """Mark a job failed with a reason written by us (never exception text)."""
    conn.execute(
        update(job)
        .where(job.c.id == job_id)
        .values(status=FAILED, error=reason[:300], updated=now())
    )


def recover(conn: Connection, stale_after: timedelta = timedelta(seconds=60)) -> list[str]:
    """Jobs left running by a dead process: requeue to resume, or fail after MAX_ATTEMPTS."""
    cutoff = now() - stale_after
    rows = conn.execute(
        select(job.c.id, job.c.attempts, job.c.heartbeat).where(job.c.status == RUNNING)
    ).all()
    touched = []
    for job_id, attempts, beat in rows:
        if beat is not None and as_utc(beat) > cutoff:
            continue
        if attempts >= MAX_ATTEMPTS:
            fail(conn, job_id, f"interrupted {attempts} times; not resumed again")
        else:
            conn.execute(update(job).where(job.c.id == job_id).values(status=QUEUED))
        touched.append(job_id)
    return touched


def add_issues(conn: Connection, job_id: str, issues: list[JobIssue]) -> None:
    """Record per-line issues (the first MAX_ISSUES of a job are kept)."""
    if not issues:
        return
    conn.execute(
        insert(job_issue),
        [
            {
                "job_id": job_id,
                "file": i.file[:255],
                "line": i.line,
                "severity": i.severity,
                "message": i.message[:500],
            }
            for i in issues[:MAX_ISSUES]
        ],
    )


def issues(conn: Connection, job_id: str, limit: int = 100) -> list[JobIssue]:
    """A job's issues in the order they were found."""
    rows = conn.execute(
        select(job_issue.c.file, job_issue.c.line, job_issue.c.severity, job_issue.c.message)
        .where(job_issue.c.job_id == job_id)
        .order_by(job_issue.c.id)
        .limit(limit)
    ).all()
    return [JobIssue(*row) for row in rows]


def _job(row: Mapping[Any, Any]) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        params=orjson.loads(row["params"]),
        cursor=orjson.loads(row["cursor"]) if row["cursor"] else None,
        counts=orjson.loads(row["counts"]),
        error=row["error"],
        attempts=row["attempts"],
        created=as_utc(row["created"]),
        updated=as_utc(row["updated"]),
    )
