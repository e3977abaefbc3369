"""Finding the plan members an EHR Patient could be: by identifier and by demographics.

Two lookups behind one class: the search engine's ``matching_ids`` when it is installed
(``identifier=`` and ``family=&birthdate=`` searches, then the exact rules of
:mod:`gateway.ingest.ehr.matching`), else an in-memory index of the stored Patients built once
per job. Only plan Patients are stored: EHR Patients never are (docs/ehr-feeds.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from auth.context import AccessContext
from gateway.ingest.ehr.matching import (
    Demographics,
    MatchResult,
    decide,
    demographics,
    member_identifiers,
)
from gateway.store.repository import Repository

Search = Callable[..., list[str]]


def _search_engine() -> Search | None:
    """The search area's ``matching_ids``, when it exists."""
    try:
        from gateway.interactions.search import matching_ids
    except ImportError:
        return None
    found: Search = matching_ids
    return found


class MemberDirectory:
    """Candidate members for incoming Patients; the scan index lives as long as the object."""

    def __init__(self, *, use_search: bool = True) -> None:
        self.conn: Connection | None = None
        self._search = _search_engine() if use_search else None
        self._by_identifier: dict[tuple[str, str], set[str]] | None = None
        self._by_name: dict[tuple[str, str], list[tuple[str, Demographics]]] = {}

    def match(self, conn: Connection, patient: Mapping[str, Any]) -> MatchResult:
        """The matching decision for one EHR Patient."""
        self.conn = conn
        ids = [m for pair in member_identifiers(patient) for m in self._with_identifier(pair)]
        traits = demographics(patient)
        people = self._with_name(traits) if traits else []
        return decide(patient, ids, people)

    def _with_identifier(self, pair: tuple[str, str]) -> set[str]:
        if self._search is not None:
            found = self._search(
                self._conn(),
                "Patient",
                [("identifier", f"{pair[0]}|{pair[1]}")],
                AccessContext.internal(),
                limit=2,
            )
            return set(found)
        self._scan()
        assert self._by_identifier is not None
        return self._by_identifier.get(pair, set())

    def _with_name(self, traits: Demographics) -> list[tuple[str, Demographics]]:
        if self._search is not None:
            params = [("family", traits.family), ("birthdate", traits.birth_date)]
            ids = self._search(self._conn(), "Patient", params, AccessContext.internal(), limit=50)
            return [pair for pair in map(self._traits_of, ids) if pair is not None]
        self._scan()
        return self._by_name.get((traits.family, traits.birth_date), [])

    def _traits_of(self, member_id: str) -> tuple[str, Demographics] | None:
        stored = Repository(self._conn()).read("Patient", member_id)
        if stored is None or stored.deleted:
            return None
        traits = demographics(orjson.loads(stored.body))
        return (member_id, traits) if traits else None

    def _scan(self) -> None:
        if self._by_identifier is not None:
            return
        by_identifier: dict[tuple[str, str], set[str]] = defaultdict(set)
        by_name: dict[tuple[str, str], list[tuple[str, Demographics]]] = defaultdict(list)
        for stored in Repository(self._conn()).iter_current("Patient"):
            body = orjson.loads(stored.body)
            for pair in member_identifiers(body):
                by_identifier[pair].add(stored.id)
            traits = demographics(body)
            if traits:
                by_name[(traits.family, traits.birth_date)].append((stored.id, traits))
        self._by_identifier, self._by_name = dict(by_identifier), dict(by_name)

    def _conn(self) -> Connection:
        assert self.conn is not None, "match() sets the connection"
        return self.conn
