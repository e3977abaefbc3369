"""Demo logins and demo clients for the demo plan (``DEMO_DATA``); never for production.

The demo orchestrator calls :func:`demo_members` with member patient ids, passes the result to
:func:`auth.members.seed_demo_accounts`, then calls :func:`seed_demo_clients`. docs/auth.md
lists the logins and clients.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from joserfc.jwk import RSAKey
from sqlalchemy.engine import Connection, Engine

from auth.clients import register_client
from auth.members import DemoMember

DEMO_REDIRECTS = (
    "http://localhost:9000/callback",
    "http://127.0.0.1:9000/index.html",
    "https://inferno.healthit.gov/suites/custom/smart/redirect",
    "https://inferno.healthit.gov/suites/custom/smart_stu2/redirect",
)


def demo_members(patient_ids: Sequence[str]) -> list[DemoMember]:
    """Two members, a personal representative of both, and an auditor (needs 2 patient ids)."""
    if len(patient_ids) < 2:
        raise ValueError("the demo logins need at least two member patient ids")
    first, second = patient_ids[0], patient_ids[1]
    return [
        DemoMember("demo-member-1", "demo-password-1", (first,)),
        DemoMember("demo-member-2", "demo-password-2", (second,)),
        DemoMember(
            "demo-representative",
            "demo-password-3",
            (first, second),
            role="representative",
            fhir_user="RelatedPerson/demo-representative",
            displays=("Member 1", "Member 2"),
        ),
        DemoMember("demo-auditor", "demo-password-4", (), role="auditor"),
    ]


def seed_demo_clients(target: Engine | Connection, key_dir: Path) -> dict[str, str]:
    """Register the demo public, confidential and backend clients.

    Writes the backend client's private JWK to ``key_dir/demo-backend-key.json`` and returns
    the confidential client's secret under ``"demo-confidential-app"``.
    """
    if isinstance(target, Engine):
        with target.begin() as conn:
            return seed_demo_clients(conn, key_dir)
    key = RSAKey.generate_key(2048, parameters={"kid": "demo-backend-1", "alg": "RS384"})
    key_dir.mkdir(parents=True, exist_ok=True)
    key_file = key_dir / "demo-backend-key.json"
    key_file.write_text(json.dumps(key.as_dict(private=True)))
    key_file.chmod(0o600)
    register_client(
        target, "demo-public-app", "public", name="Demo Health Wallet", redirect_uris=DEMO_REDIRECTS
    )
    secret = register_client(
        target,
        "demo-confidential-app",
        "confidential",
        name="Demo Plan Viewer",
        redirect_uris=DEMO_REDIRECTS,
    )
    register_client(
        target,
        "demo-backend",
        "backend",
        name="Demo Bulk Client",
        jwks={"keys": [key.as_dict(private=False)]},
        scope="system/*.rs",
    )
    return {"demo-confidential-app": secret or ""}
