"""Deterministic demo enrollment (``members.csv``) and the member-side feeds that hang off it.

The Synthea patients of ``shared/data`` come first (same names, birth dates, genders and
addresses) so their EHR data can be matched to them; then the demo logins and a household
with a personal representative; then generated members across the lines of business. Rows
are streamed, so memory does not grow with the number of members.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from gateway.ingest.demo.authorizations import authorizations_for
from gateway.ingest.demo.care import programs_for
from gateway.ingest.demo.claims import claims_for, pick_provider
from gateway.ingest.demo.pool import ProviderPool

SYNTHEA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
_COLUMN_NAMES = """
member_id subscriber_id relationship given family birth_date gender deceased_date phone
email address_line city state postal_code address_since race ethnicity birth_sex
tribal_affiliation language previous_family subscriber_given subscriber_family
coverage_key coverage_status coverage_start coverage_end plan_key plan_name
line_of_business group_id group_name pcp_npi payer_key payer_name payer_naic payer_tin
payer_phone payer_address_line payer_city payer_state payer_postal_code
"""
COLUMNS = tuple(_COLUMN_NAMES.split())
# Documented in docs/feeds/members.md.
LOGIN_MEMBERS = ("DEMO-0001", "DEMO-0002")
REPRESENTATIVE = "DEMO-0003"  # subscriber parent of DEMO-0004 and DEMO-0005
GIVEN = ("James", "Maria", "Robert", "Linda", "Wei", "Aisha", "Carlos", "Emily", "Noah", "Sofia")
FAMILY = ("Smith", "Garcia", "Nguyen", "Johnson", "Patel", "Brown", "Lopez", "Kim", "Davis")
RowsFor = Callable[[random.Random, dict[str, Any], ProviderPool, date], Iterator[dict[str, Any]]]
JSONL_FEEDS: dict[str, RowsFor] = {
    "claims.jsonl": claims_for,
    "authorizations.jsonl": authorizations_for,
    "care_programs.jsonl": programs_for,
}
RACES = ("2106-3", "2054-5", "2028-9", "1002-5", "2076-8")
STATES = {"Massachusetts": "MA", "Kansas": "KS"}


def write_member_feeds(
    out_dir: Path, pool: ProviderPool, members: int, seed: int
) -> dict[str, int]:
    """Write ``members.csv`` and the JSON Lines feeds hanging off each member; counts per file."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(["members.csv", *JSONL_FEEDS], 0)
    today = date.today()
    with ExitStack() as stack:
        members_file = stack.enter_context((out_dir / "members.csv").open("w", newline=""))
        outputs = {name: stack.enter_context((out_dir / name).open("wb")) for name in JSONL_FEEDS}
        writer = csv.DictWriter(members_file, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in _members(rng, pool, members):
            writer.writerow(row)
            counts["members.csv"] += 1
            for name, rows_for in JSONL_FEEDS.items():
                for item in rows_for(rng, row, pool, today):
                    outputs[name].write(orjson.dumps(item) + b"\n")
                    counts[name] += 1
    return counts


def _members(rng: random.Random, pool: ProviderPool, total: int) -> Iterator[dict[str, Any]]:
    """Synthea people, demo logins, the representative's household, then generated ones."""
    rows = 0
    for person in [*_synthea_people(), *_demo_people()]:
        if rows >= total:
            return
        yield _enroll(rng, pool, person, rows)
        rows += 1
    while rows < total:
        household = _household(rng, rows, total - rows)
        for person in household:
            yield _enroll(rng, pool, person, rows)
            rows += 1


def _enroll(
    rng: random.Random, pool: ProviderPool, person: dict[str, Any], n: int
) -> dict[str, Any]:
    plan = pool.plans[n % len(pool.plans)]
    start = date(2016, 1, 1) + timedelta(days=rng.randrange(0, 365 * 4))
    row = {
        **person,
        "coverage_key": f"{person['member_id']}-{plan.key}",
        "coverage_status": "active",
        "coverage_start": start.isoformat(),
        "coverage_end": "",
        "plan_key": plan.key,
        "plan_name": plan.name,
        "line_of_business": plan.line_of_business,
        "group_id": f"GRP-{plan.line_of_business}-{n % 7 + 1:02d}",
        "group_name": f"{plan.line_of_business.replace('_', ' ').title()} group {n % 7 + 1}",
        "pcp_npi": pick_provider(rng, pool, "practitioner").npi,
        **_payer(pool),
    }
    row.setdefault("race", rng.choice(RACES))
    row.setdefault("ethnicity", rng.choice(("2186-5", "2186-5", "2135-2")))
    row.setdefault("language", rng.choice(("en", "en", "en", "es")))
    row.setdefault("phone", f"(555) {rng.randrange(200, 999)}-{rng.randrange(10000):04d}")
    row["email"] = f"member{n}@example.org"
    row["address_since"] = (start - timedelta(days=400)).isoformat()
    row["birth_sex"] = {"female": "F", "male": "M"}.get(row["gender"], "UNK")
    if n % 97 == 5:
        row["tribal_affiliation"] = "40"
    if n % 53 == 7:
        row["previous_family"] = "Former"
    return row


def _payer(pool: ProviderPool) -> dict[str, str]:
    return {
        "payer_key": pool.payer_key,
        "payer_name": pool.payer_name,
        "payer_naic": "95000",
        "payer_tin": "046000001",
        "payer_phone": "(800) 555-0100",
        "payer_address_line": "100 Health Plan Way",
        "payer_city": "Boston",
        "payer_state": "MA",
        "payer_postal_code": "02110",
    }


def _synthea_people() -> Iterator[dict[str, Any]]:
    """The Synthea patients (bundles, then the NDJSON export), as enrollment people."""
    patients = []
    for path in sorted((SYNTHEA / "synthea-bundles").glob("*.json")):
        bundle = json.loads(path.read_text())
        patients += [
            e["resource"]
            for e in bundle.get("entry", [])
            if e["resource"]["resourceType"] == "Patient"
        ]
    ndjson = SYNTHEA / "synthea-10-patients" / "Patient.000.ndjson"
    if ndjson.exists():
        patients += [json.loads(line) for line in ndjson.read_text().splitlines() if line.strip()]
    for n, patient in enumerate(patients, start=1):
        yield _from_synthea(patient, f"SYN-{n:04d}")


def _from_synthea(patient: dict[str, Any], member_id: str) -> dict[str, Any]:
    name = patient["name"][0]
    address = (patient.get("address") or [{}])[0]
    state = address.get("state", "")
    return {
        "member_id": member_id,
        "subscriber_id": member_id,
        "relationship": "self",
        "given": " ".join(name.get("given", [])),
        "family": name["family"],
        "birth_date": patient["birthDate"],
        "gender": patient["gender"],
        "deceased_date": (patient.get("deceasedDateTime") or "")[:10],
        "address_line": " ".join(address.get("line", [])),
        "city": address.get("city", ""),
        "state": STATES.get(state, state),
        "postal_code": address.get("postalCode", ""),
        "_all_types": True,
    }


def _demo_people() -> list[dict[str, Any]]:
    """Two login members and a parent (personal representative) with two children."""
    base = {
        "address_line": "12 Demo Street",
        "city": "Boston",
        "state": "MA",
        "postal_code": "02110",
        "_all_types": True,
    }
    people = [
        {
            **base,
            "member_id": LOGIN_MEMBERS[0],
            "given": "Dana",
            "family": "Login",
            "birth_date": "1980-02-14",
            "gender": "female",
        },
        {
            **base,
            "member_id": LOGIN_MEMBERS[1],
            "given": "Evan",
            "family": "Login",
            "birth_date": "1975-06-30",
            "gender": "male",
        },
        {
            **base,
            "member_id": REPRESENTATIVE,
            "given": "Pat",
            "family": "Parent",
            "birth_date": "1978-09-09",
            "gender": "female",
        },
        {
            **base,
            "member_id": "DEMO-0004",
            "given": "Kim",
            "family": "Parent",
            "birth_date": "2012-03-03",
            "gender": "female",
        },
        {
            **base,
            "member_id": "DEMO-0005",
            "given": "Lee",
            "family": "Parent",
            "birth_date": "2015-07-07",
            "gender": "male",
        },
    ]
    for child in people[3:]:
        child.update(
            subscriber_id=REPRESENTATIVE,
            relationship="child",
            subscriber_given="Pat",
            subscriber_family="Parent",
        )
    for person in people[:3]:
        person.update(subscriber_id=person["member_id"], relationship="self")
    return people


def _household(rng: random.Random, n: int, room: int) -> list[dict[str, Any]]:
    """A subscriber and up to three dependents (spouse, children)."""
    family = rng.choice(FAMILY)
    subscriber_id = f"M{n + 1:08d}"
    age = rng.randint(19, 85)
    head = _person(rng, subscriber_id, family, age)
    head.update(subscriber_id=subscriber_id, relationship="self")
    people = [head]
    for k in range(min(rng.choice((0, 0, 0, 1, 2, 3)), room - 1)):
        relation = "spouse" if k == 0 and age < 70 else "child"
        dep = _person(
            rng,
            f"M{n + 2 + k:08d}",
            family,
            rng.randint(1, 17) if relation == "child" else age + rng.randint(-5, 5),
        )
        dep.update(
            subscriber_id=subscriber_id,
            relationship=relation,
            subscriber_given=head["given"],
            subscriber_family=family,
        )
        people.append(dep)
    return people


def _person(rng: random.Random, member_id: str, family: str, age: int) -> dict[str, Any]:
    born = date.today() - timedelta(days=365 * age + rng.randrange(365))
    return {
        "member_id": member_id,
        "given": rng.choice(GIVEN),
        "family": family,
        "birth_date": born.isoformat(),
        "gender": rng.choice(("female", "male")),
        "deceased_date": (date.today() - timedelta(days=30)).isoformat()
        if age > 80 and rng.random() < 0.2
        else "",
        "address_line": f"{rng.randint(1, 999)} {rng.choice(FAMILY)} Street",
        "city": "Boston",
        "state": "MA",
        "postal_code": f"02{rng.randint(100, 199)}",
    }
