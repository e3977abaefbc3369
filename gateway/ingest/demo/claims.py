"""Deterministic demo claims of every type for one member, 2016 to today (``claims.jsonl``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from gateway.ingest.demo.pool import Provider, ProviderPool

FIRST_DAY = date(2016, 1, 1)
TYPES = ("professional", "pharmacy", "outpatient", "inpatient", "oral")
TYPE_WEIGHTS = (50, 28, 11, 5, 6)
PROFESSIONAL = (
    ("99213", 130.0),
    ("99214", 190.0),
    ("99396", 240.0),
    ("93000", 60.0),
    ("80053", 45.0),
    ("97110", 95.0),
    ("G0439", 175.0),
)
DRUGS = (
    ("00093-7180-56", 12.0),
    ("00071-0155-23", 210.0),
    ("00378-0208-01", 9.5),
    ("00006-0749-54", 330.0),
    ("68180-0513-01", 18.0),
)
DENTAL = (("D1110", 110.0), ("D0120", 55.0), ("D2392", 210.0), ("D0274", 70.0))
DIAGNOSES = ("E11.9", "I10", "J06.9", "M54.50", "Z00.00", "E78.5", "F41.1", "K21.9")
INPATIENT_PCS = ("0DTJ4ZZ", "0SRC0J9", "02703ZZ")
DENIALS = ("45", "50", "96", "197", "16")
NCPDP_REJECTS = ("70", "75", "76")


def claims_for(
    rng: random.Random, member: dict[str, Any], pool: ProviderPool, today: date
) -> Iterator[dict[str, Any]]:
    """Claims rows for a member over their coverage period (at least one of each type early on)."""
    start = max(date.fromisoformat(member["coverage_start"]), FIRST_DAY)
    end = date.fromisoformat(member["coverage_end"]) if member["coverage_end"] else today
    span = max((end - start).days, 1)
    count = rng.randint(4, 14)
    forced = list(TYPES) if member.get("_all_types") else []
    for n in range(count + len(forced)):
        kind = forced[n] if n < len(forced) else rng.choices(TYPES, TYPE_WEIGHTS)[0]
        served = start + timedelta(days=rng.randrange(span))
        claim_id = f"{member['member_id']}-C{n + 1:03d}"
        # demo members get every type, half of them denied (denial reasons in every profile)
        denied = rng.random() < (0.5 if n < len(forced) else 0.08)
        yield _claim(rng, member, pool, (kind, claim_id, denied), served)


def _claim(
    rng: random.Random,
    member: dict[str, Any],
    pool: ProviderPool,
    what: tuple[str, str, bool],
    served: date,
) -> dict[str, Any]:
    kind, claim_id, denied = what
    rendering = pick_provider(rng, pool, "practitioner")
    billing = (
        rendering
        if kind == "oral"
        else pick_provider(rng, pool, "pharmacy" if kind == "pharmacy" else "organization")
    )
    stay = rng.randint(1, 6) if kind == "inpatient" else 0
    last = served + timedelta(days=stay)
    lines = _lines(rng, kind, served, denied)
    paid = round(sum(line["amounts"].get("paid", 0.0) for line in lines), 2)
    row: dict[str, Any] = {
        "claim_id": claim_id,
        "claim_type": kind,
        "member_id": member["member_id"],
        "coverage_key": member["coverage_key"],
        "payer_key": member["payer_key"],
        "payer_name": member["payer_name"],
        "status": "cancelled" if rng.random() < 0.02 else "active",
        "payment_status": "denied" if denied else "paid",
        "under_appeal": denied and rng.random() < 0.5,
        "billable_start": served.isoformat(),
        "billable_end": last.isoformat(),
        "created": (last + timedelta(days=3)).isoformat(),
        "received_date": (last + timedelta(days=2)).isoformat(),
        "billing_npi": billing.npi,
        "billing_kind": "practitioner" if kind == "oral" else "organization",
        "billing_name": billing.name,
        "rendering_npi": rendering.npi,
        "rendering_taxonomy": rendering.taxonomy,
        "facility_npi": pick_provider(rng, pool, "organization").npi
        if kind in ("professional", "oral")
        else None,
        "in_network": rng.random() < 0.9,
        "medical_record_number": f"MRN{rng.randrange(10**7):07d}",
        "patient_account_number": f"PAN{rng.randrange(10**8):08d}",
        "payment_date": None if denied else (last + timedelta(days=14)).isoformat(),
        "payment_amount": paid,
        "lines": lines,
        "diagnoses": _diagnoses(rng, kind),
        "notes": ["Claim adjudicated under the member's plan benefits."],
    }
    row.update(_type_details(rng, kind, served, last, rendering))
    row["claim_level_amounts"] = kind in ("inpatient", "outpatient") and rng.random() < 0.4
    if rng.random() < 0.05:
        row["related_claim_id"] = f"{claim_id}-ORIG"
    return row


def _lines(rng: random.Random, kind: str, served: date, denied: bool) -> list[dict[str, Any]]:
    catalog = {"pharmacy": DRUGS, "oral": DENTAL}.get(kind, PROFESSIONAL)
    system = {"pharmacy": "ndc", "oral": "cdt"}.get(kind, "cpt")
    lines = []
    for seq in range(1, (1 if kind == "pharmacy" else rng.randint(1, 3)) + 1):
        code, price = rng.choice(catalog)
        line: dict[str, Any] = {
            "sequence": seq,
            "code_system": system,
            "code": code,
            "service_date": served.isoformat(),
            "quantity": float(rng.choice((1, 1, 2, 30)) if kind == "pharmacy" else 1),
            "amounts": _amounts(rng, price * (8 if kind == "inpatient" else 1), denied),
            "allowed_units": 1.0,
        }
        if kind in ("professional", "oral"):
            line["place_of_service"] = rng.choice(("11", "22", "02"))
            line["modifiers"] = ["25"] if rng.random() < 0.1 else []
        if kind in ("inpatient", "outpatient"):
            line["revenue"] = rng.choice(("0120", "0250", "0300", "0450"))
            line["modifiers"] = ["LT"] if rng.random() < 0.2 else []
        if kind == "oral":
            line["tooth"] = str(rng.randint(1, 32))
        if denied:
            line["denial_reasons"] = [rng.choice(NCPDP_REJECTS if kind == "pharmacy" else DENIALS)]
        lines.append(line)
    return lines


def _amounts(rng: random.Random, price: float, denied: bool) -> dict[str, float]:
    submitted = round(price * rng.uniform(0.9, 1.3), 2)
    if denied:
        return {
            "submitted": submitted,
            "allowed": 0.0,
            "paid": 0.0,
            "noncovered": submitted,
            "member_liability": 0.0,
        }
    allowed = round(submitted * rng.uniform(0.55, 0.85), 2)
    copay = min(float(rng.choice((0, 10, 20, 35))), allowed)
    deductible = round(max(0.0, min(allowed - copay, rng.choice((0.0, 0.0, 25.0)))), 2)
    coinsurance = round((allowed - copay - deductible) * rng.choice((0.0, 0.1, 0.2)), 2)
    liability = round(copay + deductible + coinsurance, 2)
    return {
        "submitted": submitted,
        "allowed": allowed,
        "paid": round(allowed - liability, 2),
        "member_liability": liability,
        "copay": copay,
        "coinsurance": coinsurance,
        "deductible": deductible,
    }


def _diagnoses(rng: random.Random, kind: str) -> list[dict[str, Any]]:
    if kind == "pharmacy":
        return []
    codes = rng.sample(DIAGNOSES, 2)
    second = {"inpatient": "other", "outpatient": "other"}.get(kind, "secondary")
    out = [{"code": codes[0], "kind": "principal"}, {"code": codes[1], "kind": second}]
    if kind == "inpatient":
        for dx in out:
            dx["present_on_admission"] = rng.choice(("Y", "N", "U"))
    return out


def _type_details(
    rng: random.Random, kind: str, served: date, last: date, prescriber: Provider
) -> dict[str, Any]:
    """The claim-type specific part of a claim row (NCPDP, UB-04, dental, ambulance)."""
    if kind == "pharmacy":
        return {"pharmacy": _pharmacy(rng, prescriber)}
    if kind == "inpatient":
        procedure = {"code": rng.choice(INPATIENT_PCS), "kind": "principal", "date": str(served)}
        return {"institutional": _inpatient(rng, served, last), "procedures": [procedure]}
    if kind == "outpatient":
        return {"institutional": {**UB04_OUTPATIENT}}
    if kind == "oral":
        return {"oral": _oral(rng)}
    if rng.random() < 0.15:
        return {"transport": _transport(rng)}
    return {}


UB04_OUTPATIENT = {
    "type_of_bill": "0131",
    "point_of_origin": "1",
    "admission_type": "3",
    "discharge_status": "01",
}


def _pharmacy(rng: random.Random, prescriber: Provider) -> dict[str, Any]:
    return {
        "days_supply": rng.choice((30, 90)),
        "daw": rng.choice(("0", "1")),
        "refill_number": rng.randint(0, 3),
        "refills_authorized": rng.randint(3, 5),
        "brand_generic": rng.choice(("1", "2")),
        "rx_origin": rng.choice(("1", "3")),
        "compound": "1",
        "prescriber_npi": prescriber.npi,
    }


def _inpatient(rng: random.Random, served: date, last: date) -> dict[str, Any]:
    return {
        "type_of_bill": "0111",
        "point_of_origin": "1",
        "admission_type": "2",
        "discharge_status": "01",
        "admission_start": served.isoformat(),
        "admission_end": last.isoformat(),
        "drg": rng.choice(("470", "291", "871")),
    }


def _oral(rng: random.Random) -> dict[str, Any]:
    return {
        "orthodontic_months": rng.choice((None, 12)),
        "prosthesis_replacement": rng.choice((None, False, True)),
        "missing_teeth": [str(rng.randint(1, 32))],
        "additional_sites": [str(rng.randint(1, 32))],
    }


def _transport(rng: random.Random) -> dict[str, Any]:
    return {
        "patient_weight_lb": float(rng.randint(90, 260)),
        "reason": rng.choice("ABCDE"),
        "distance_miles": float(rng.randint(2, 40)),
        "round_trip_purpose": "Dialysis treatment and return home",
        "stretcher_purpose": "Patient unable to sit upright",
        "pickup": "Member's home",
        "dropoff": "Hospital emergency department",
    }


_BY_KIND: dict[str, tuple[ProviderPool, list[Provider]]] = {}


def pick_provider(rng: random.Random, pool: ProviderPool, kind: str) -> Provider:
    """A random provider of a kind (the list per kind is built once for the latest pool)."""
    cached = _BY_KIND.get(kind)
    if cached is None or cached[0] is not pool:
        matches = [p for p in pool.providers if p.kind == kind] or list(pool.providers)
        cached = _BY_KIND[kind] = (pool, matches)
    return rng.choice(cached[1])
