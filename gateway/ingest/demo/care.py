"""Deterministic demo care-management program enrollments (feeds ``care_programs.jsonl``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from gateway.ingest.demo.pool import ProviderPool

PROGRAMS = (
    ("disease_management", "Type 2 diabetes", "698360004", "Diabetes self-management plan agreed"),
    ("disease_management", "Heart failure", "1156912004", "Heart failure self-management"),
    ("case_management", "Complex care after hospital discharge", "410515003", "Care coordination"),
)
ASSESSMENTS = (
    ("44249-1", "PHQ-9 quick depression assessment panel"),
    ("69730-0", "Health risk assessment"),
)
INTERVENTIONS = (
    ("385804009", "Diabetic care education"),
    ("736353004", "Case management follow-up"),
)
ROLES = (("768730001", "Case manager"), ("446050000", "Primary care physician"))
STATUSES = ("active", "active", "completed", "on-hold", "revoked")


def programs_for(
    rng: random.Random, member: dict[str, Any], pool: ProviderPool, today: date
) -> Iterator[dict[str, Any]]:
    """Program enrollments of a member (demo members always have one)."""
    if not member.get("_all_types") and rng.random() > 0.12:
        return
    program_type, condition, goal_code, goal_text = rng.choice(PROGRAMS)
    start = today - timedelta(days=rng.randint(30, 900))
    status = "active" if member.get("_all_types") else rng.choice(STATUSES)
    practitioners = [p for p in pool.providers if p.kind == "practitioner"] or list(pool.providers)
    yield {
        "program_id": f"{member['member_id']}-CM01",
        "member_id": member["member_id"],
        "program_type": program_type,
        "condition_text": condition,
        "status": status,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=180)).isoformat() if status == "completed" else None,
        "risk_tier": rng.choice(("low", "medium", "high")),
        "goals": [_goal(goal_code, goal_text, status, start)],
        "activities": _activities(rng, start),
        "team": [
            {"npi": rng.choice(practitioners).npi, "role_code": code, "role_text": text}
            for code, text in ROLES
        ],
    }


def _goal(code: str, text: str, status: str, start: date) -> dict[str, Any]:
    return {
        "goal_key": "G1",
        "code": code,
        "text": text,
        "lifecycle_status": "completed" if status == "completed" else "active",
        "start_date": start.isoformat(),
        "due_date": (start + timedelta(days=365)).isoformat(),
    }


def _activities(rng: random.Random, start: date) -> list[dict[str, Any]]:
    """One or two assessments (with a score) and one or two interventions."""
    assessed = (start + timedelta(days=7)).isoformat()
    started = (start + timedelta(days=14)).isoformat()
    assessments = [
        {
            "kind": "assessment",
            "code": code,
            "text": text,
            "status": "completed",
            "date": assessed,
            "result": f"score {rng.randint(0, 20)}",
        }
        for code, text in ASSESSMENTS[: rng.randint(1, 2)]
    ]
    interventions = [
        {
            "kind": "intervention",
            "code": code,
            "text": text,
            "status": "in-progress",
            "date": started,
        }
        for code, text in INTERVENTIONS[: rng.randint(1, 2)]
    ]
    return assessments + interventions
