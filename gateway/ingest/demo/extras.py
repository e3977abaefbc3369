"""What the demo adds after the plan's feeds: logins and apps, and EHR data for its members.

The demo logins belong to members who are Synthea patients, so a demo member sees claims,
coverage and clinical records (imported through the EHR pipeline, with Provenance) together.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from tqdm import tqdm

from auth.demo import demo_members, seed_demo_clients
from auth.members import DemoMember, seed_demo_accounts
from gateway.ingest.demo.members import LOGIN_MEMBERS, REPRESENTATIVE
from gateway.ingest.ehr.importer import kick_off
from gateway.ingest.ehr.provenance import SourceInfo
from gateway.jobs.runner import run_job
from mappings.ids import resource_id

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
# The EHR export whose patients are the demo plan's members SYN-0014 ... (docs/feeds/members.md).
EHR_SOURCES = (
    ("synthea-ndjson", SHARED_DATA / "synthea-10-patients"),
    ("synthea-bundles", SHARED_DATA / "synthea-bundles"),
)
KEY_DIR = Path("instance/demo-keys")
# demo-member-1 is a Synthea patient (claims, coverage and imported clinical records);
# demo-member-2 is a plan-only member; the representative is Pat Parent (DEMO-0003), who acts
# for the dependants DEMO-0004 and DEMO-0005 (docs/feeds/members.md, docs/auth.md).
SYNTHEA_LOGIN = "SYN-0014"


def demo_accounts() -> list[DemoMember]:
    """The demo logins, with the passwords docs/auth.md lists."""
    member_1, member_2, _, auditor = demo_members(
        [resource_id("member", SYNTHEA_LOGIN), resource_id("member", LOGIN_MEMBERS[0])]
    )
    children = [f"DEMO-000{n}" for n in (4, 5)]
    pat = resource_id("related-person", f"{children[0]}:{REPRESENTATIVE}")
    representative = DemoMember(
        "demo-representative",
        "demo-password-3",
        tuple(resource_id("member", child) for child in children),
        role="representative",
        fhir_user=f"RelatedPerson/{pat}",
        displays=("Child 1 (DEMO-0004)", "Child 2 (DEMO-0005)"),
    )
    return [member_1, member_2, representative, auditor]


def seed_logins(engine: Engine) -> Path:
    """Create the demo logins and apps; the file (mode 0600) holding the confidential secret."""
    seed_demo_accounts(engine, demo_accounts())
    secret = seed_demo_clients(engine, KEY_DIR)["demo-confidential-app"]
    path = KEY_DIR / "demo-confidential-app.secret"
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return path


def import_ehr(engine: Engine) -> dict[str, int]:
    """Import the Synthea EHR data through the EHR job pipeline; counts per outcome."""
    totals: dict[str, int] = {}
    for name, path in EHR_SOURCES:
        if not path.is_dir():
            continue
        job_id = kick_off(engine, [str(path)], SourceInfo(name, organization="Synthea Health"))
        with tqdm(unit="lines", desc=f"importing {name}") as bar:
            job = run_job(engine, job_id, progress=bar.update)
        for key, value in (job.counts if job else {}).items():
            totals[key] = totals.get(key, 0) + int(value)
    return totals
