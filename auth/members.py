"""Member logins: argon2 password hashes, throttling, the patients a login may act for.

Demo accounts come from :func:`seed_demo_accounts`, which the demo orchestrator calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from auth import tables as t
from auth.records import now

_HASHER = PasswordHasher()
ROLES = ("member", "representative", "auditor")


@dataclass(frozen=True, slots=True)
class DemoMember:
    """A demo login: username, password and the patient ids it may access."""

    username: str
    password: str
    patient_ids: Sequence[str]
    role: str = "member"
    fhir_user: str | None = None
    displays: Sequence[str] = ()
    # A ready argon2 hash of ``password`` (seeding many logins costs ~0.4 s per hash otherwise).
    password_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Login:
    """An authenticated login."""

    login_id: int
    username: str
    role: str
    fhir_user: str | None


def add_login(conn: Connection, member: DemoMember) -> int:
    """Create or replace a login and its patients; returns the login id."""
    if member.role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    conn.execute(delete(t.login).where(t.login.c.username == member.username))
    result = conn.execute(
        insert(t.login).values(
            username=member.username,
            password_hash=member.password_hash or hash_password(member.password),
            role=member.role,
            fhir_user=member.fhir_user,
            failed_count=0,
            locked_until=0,
        )
    )
    login_id = int((result.inserted_primary_key or (0,))[0])
    conn.execute(delete(t.login_patient).where(t.login_patient.c.login_id == login_id))
    for index, patient_id in enumerate(member.patient_ids):
        display = member.displays[index] if index < len(member.displays) else patient_id
        conn.execute(
            insert(t.login_patient).values(
                login_id=login_id, patient_id=patient_id, display=display
            )
        )
    return login_id


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _HASHER.hash(password)


def seed_demo_accounts(target: Engine | Connection, members: Sequence[DemoMember]) -> None:
    """Create the demo logins (idempotent by username)."""
    if isinstance(target, Engine):
        with target.begin() as conn:
            seed_demo_accounts(conn, members)
        return
    for member in members:
        add_login(target, member)


def authenticate(
    conn: Connection, username: str, password: str, max_failures: int, lock_seconds: int
) -> Login | None:
    """The login when the password matches and the account is not locked; counts failures."""
    row = conn.execute(select(t.login).where(t.login.c.username == username)).first()
    if row is None:
        _verify(_dummy_hash(), password)  # same cost as a known name: no user enumeration
        return None
    if row.locked_until > now():
        return None
    if not _verify(row.password_hash, password):
        failures = row.failed_count + 1
        locked = now() + lock_seconds if failures >= max_failures else 0
        conn.execute(
            update(t.login)
            .where(t.login.c.login_id == row.login_id)
            .values(failed_count=0 if locked else failures, locked_until=locked)
        )
        return None
    if row.failed_count:
        conn.execute(
            update(t.login).where(t.login.c.login_id == row.login_id).values(failed_count=0)
        )
    return Login(row.login_id, row.username, row.role, row.fhir_user)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a real password")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_login(conn: Connection, login_id: int) -> Login | None:
    """A login by id (from the page session)."""
    row = conn.execute(select(t.login).where(t.login.c.login_id == login_id)).first()
    return None if row is None else Login(row.login_id, row.username, row.role, row.fhir_user)


def patients_of(conn: Connection, login_id: int) -> list[tuple[str, str]]:
    """The (patient id, display) pairs a login may act for."""
    rows = conn.execute(
        select(t.login_patient.c.patient_id, t.login_patient.c.display)
        .where(t.login_patient.c.login_id == login_id)
        .order_by(t.login_patient.c.display)
    )
    return [(r.patient_id, r.display) for r in rows]


def connected_apps(conn: Connection, login_id: int) -> list[dict[str, object]]:
    """The live grants of a login with the app names, newest first."""
    rows = conn.execute(
        select(t.grant, t.client.c.client_name)
        .join(t.client, t.client.c.client_id == t.grant.c.client_id)
        .where(
            t.grant.c.login_id == login_id,
            t.grant.c.revoked.is_(False),
            t.grant.c.expires_at > now(),
        )
        .order_by(t.grant.c.created_at.desc())
    )
    return [dict(r._mapping) for r in rows]
