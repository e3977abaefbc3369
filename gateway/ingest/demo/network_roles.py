"""Deterministic choices of the demo network: role codes, hours, availability, credentials."""

from __future__ import annotations

from gateway.ingest.nppes import Row, Taxonomy, digest

# NUCC grouping (or classification) -> Plan-Net ProviderRoleCS code.
CLASSIFICATION_ROLES = {
    "Physician Assistant": "pa",
    "Psychologist": "py",
    "Clinical Neuropsychologist": "py",
    "Social Worker": "sw",
    "Counselor": "co",
    "Marriage & Family Therapist": "mt",
    "Dentist": "de",
    "Optometrist": "oo",
    "Registered Nurse": "rn",
    "Licensed Practical Nurse": "lpn",
    "Physical Therapist": "pt",
    "Occupational Therapist": "ot",
    "Respiratory Therapist, Certified": "rt",
    "Speech-Language Pathologist": "sp",
    "Audiologist": "au",
    "Advanced Practice Midwife": "cnw",
    "Nurse Anesthetist, Certified Registered": "crnp",
}
GROUPING_ROLES = {
    "Allopathic & Osteopathic Physicians": "ph",
    "Physician Assistants & Advanced Practice Nursing Providers": "apn",
    "Behavioral Health & Social Service Providers": "bh",
    "Dental Providers": "dp",
    "Chiropractic Providers": "ch",
    "Podiatric Medicine & Surgery Service Providers": "po",
    "Eye and Vision Services Providers": "op",
    "Pharmacy Service Providers": "rx",
    "Nursing Service Providers": "nu",
    "Dietary & Nutritional Service Providers": "dn",
    "Respiratory, Developmental, Rehabilitative and Restorative Service Providers": "drr",
    "Speech, Language and Hearing Service Providers": "sh",
    "Emergency Medical Service Providers": "em",
}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
ACCEPTING = ("newpt", "newpt", "newpt", "existptonly", "nopt", "existptfam")
ACCESSIBILITY = ("handiaccess", "adacomp", "pubtrans", "cultcomp", "mobility", "anssrvc")
PAYER_CREDENTIALING = "Acme Insurance Co Credentialing Committee"


def role_code(taxonomy: Taxonomy | None) -> str:
    """The ProviderRoleCS code of a NUCC taxonomy entry ("os" when nothing fits)."""
    if taxonomy is None:
        return "os"
    return CLASSIFICATION_ROLES.get(
        taxonomy.classification, GROUPING_ROLES.get(taxonomy.grouping, "os")
    )


def hours(key: str) -> list[Row]:
    """Office hours: weekdays 08:00-17:00 (some 09:00-18:00), some with Saturday mornings."""
    pick = digest(key + "hours")
    opening, closing = ("08:00:00", "17:00:00") if pick % 2 else ("09:00:00", "18:00:00")
    result: list[Row] = [{"days": WEEKDAYS, "opening": opening, "closing": closing}]
    if pick % 5 == 0:
        result.append({"days": ["sat"], "opening": "09:00:00", "closing": "12:00:00"})
    return result


def all_day() -> list[Row]:
    """Open around the clock (hospitals)."""
    return [{"days": [*WEEKDAYS, "sat", "sun"], "all_day": True}]


def accepting(key: str) -> str:
    """Whether new patients are accepted (AcceptingPatientsCS), mostly yes."""
    return ACCEPTING[digest(key + "accepting") % len(ACCEPTING)]


def accessibility(key: str) -> list[str]:
    """One or two accessibility features of a location."""
    pick = digest(key + "access")
    first = ACCESSIBILITY[pick % len(ACCESSIBILITY)]
    second = ACCESSIBILITY[(pick // 7) % len(ACCESSIBILITY)]
    return sorted({first, second})


def holiday() -> list[Row]:
    """The closure everyone shares: Thanksgiving Day."""
    return [{"description": "Closed for Thanksgiving", "start": "2026-11-26", "end": "2026-11-26"}]


def credential(key: str, code: Row, state: str) -> Row:
    """Our payer's credentialing decision for a provider: status and dates (qualification)."""
    pick = digest(key + "cred")
    year = 2023 + pick % 3
    return {
        "code": code,
        "issuer": PAYER_CREDENTIALING,
        "status": "active",
        "identifier": f"CRED-{key}",
        "start": f"{year}-{1 + pick % 12:02d}-01",
        "end": f"{year + 3}-{1 + pick % 12:02d}-01",
        "where_valid": state,
    }
