"""Deterministic member matching of an EHR Patient: identifiers first, then demographics.

Pure functions over FHIR JSON; the rules are documented in docs/ehr-feeds.md. Nothing is
attached to a guess: anything but exactly one candidate goes to the review queue.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mappings.fhir_values import MEMBER_ID_SYSTEM, PLAN_BASE, UNIQUE_MEMBER_ID_SYSTEM

# The plan's identifier systems an EHR may echo back (member number, unique member id,
# subscriber id); a match on any of them is decisive.
MEMBER_SYSTEMS = frozenset(
    {MEMBER_ID_SYSTEM, UNIQUE_MEMBER_ID_SYSTEM, f"{PLAN_BASE}/subscriber-id"}
)

MATCHED, REVIEW = "matched", "review"


@dataclass(frozen=True, slots=True)
class Demographics:
    """The normalised traits the demographic rules compare."""

    family: str
    given: str
    birth_date: str
    gender: str
    postal: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The decision: matched (one member id) or review (the rule and the candidate ids)."""

    status: str
    rule: str
    member_id: str | None
    candidates: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Case- and accent-insensitive, whitespace-collapsed text."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def member_identifiers(patient: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (system, value) pairs of a Patient that use one of the plan's member systems."""
    return [
        (str(i["system"]), str(i["value"]))
        for i in patient.get("identifier") or []
        if isinstance(i, dict) and i.get("system") in MEMBER_SYSTEMS and i.get("value")
    ]


def demographics(patient: Mapping[str, Any]) -> Demographics | None:
    """The traits of a Patient's official (else first) name; ``None`` if any is missing."""
    names = [n for n in patient.get("name") or [] if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = name.get("given") or []
    family, birth, gender = name.get("family"), patient.get("birthDate"), patient.get("gender")
    if not (family and given and birth and gender):
        return None
    return Demographics(
        normalise(str(family)),
        normalise(str(given[0])),
        str(birth),
        str(gender),
        _postal(patient.get("address") or []),
    )


def decide(
    incoming: Mapping[str, Any],
    by_identifier: Sequence[str],
    by_demographics: Iterable[tuple[str, Demographics]],
) -> MatchResult:
    """Apply the rules in order to the candidates found by identifier and by demographics."""
    pairs = list(by_demographics)
    found = sorted(set(by_identifier))
    if len(found) == 1:
        return MatchResult(MATCHED, "member-identifier", found[0])
    if found:
        return MatchResult(REVIEW, "ambiguous-identifier", None, tuple(found))
    traits = demographics(incoming)
    if traits is None:
        return MatchResult(REVIEW, "incomplete-demographics", None)
    same = sorted({mid for mid, d in pairs if _same_person(d, traits)})
    if len(same) == 1:
        return MatchResult(MATCHED, "demographics", same[0])
    if not same:
        return MatchResult(REVIEW, "no-match", None)
    return _by_postal(same, dict(pairs), traits)


def _by_postal(
    same: list[str], traits_of: Mapping[str, Demographics], traits: Demographics
) -> MatchResult:
    narrowed = [mid for mid in same if traits.postal and traits_of[mid].postal == traits.postal]
    if len(narrowed) == 1:
        return MatchResult(MATCHED, "demographics+postal", narrowed[0])
    return MatchResult(REVIEW, "ambiguous-demographics", None, tuple(same))


def _same_person(member: Demographics, incoming: Demographics) -> bool:
    return (
        member.family == incoming.family
        and member.given == incoming.given
        and member.birth_date == incoming.birth_date
        and member.gender == incoming.gender
    )


def _postal(addresses: Iterable[Any]) -> str:
    for address in addresses:
        if isinstance(address, dict) and address.get("postalCode"):
            return str(address["postalCode"])[:5]
    return ""
