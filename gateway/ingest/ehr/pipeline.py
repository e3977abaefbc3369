"""One batch of EHR resources through match, reference rewriting, de-duplication, Provenance.

The caller owns the transaction (one per batch); nothing here commits. Steps, in order:
check structure (and claimed US Core profiles) -> link Patients to members (review queue
otherwise) -> hold resources of unmatched patients -> place each resource (identity keys) ->
rewrite references -> upsert (first feed owns the body; later feeds add a source link) ->
one Provenance per patient of the batch. docs/ehr-feeds.md explains each rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection

from gateway.ingest.ehr import links as link_store
from gateway.ingest.ehr.batch import BatchReport, Item
from gateway.ingest.ehr.checks import SKIPPED_TYPES, resource_problems
from gateway.ingest.ehr.identity import (
    IdentityMap,
    derived_id,
    identifier_key,
    identity_keys,
    source_key,
)
from gateway.ingest.ehr.index_rows import stored_rows
from gateway.ingest.ehr.matching import MATCHED
from gateway.ingest.ehr.members import MemberDirectory
from gateway.ingest.ehr.provenance import (
    TRANSFORM_VERSION,
    SourceInfo,
    build_provenance,
    source_organization,
)
from gateway.ingest.ehr.references import (
    UnresolvedReference,
    parse,
    patient_reference,
    replace_references,
)
from gateway.search.extract import IndexRows
from gateway.store.bulk import upsert_many
from gateway.store.records import WriteOutcome
from gateway.store.repository import Repository

SHARED_GROUP = "shared"


@dataclass(frozen=True, slots=True)
class _Placed:
    """A resource ready to store: its Provenance group, stored body and index rows if known."""

    group: str
    body: dict[str, Any]
    index: IndexRows | None

    @property
    def key(self) -> tuple[str, str]:
        """(type, stored id)."""
        return str(self.body["resourceType"]), str(self.body["id"])

    @property
    def ref(self) -> str:
        """``Type/id`` of the stored resource."""
        return f"{self.body['resourceType']}/{self.body['id']}"


class _Hold(Exception):
    """The resource belongs to (or names) a patient not matched to a member."""

    def __init__(self, source_patient: str) -> None:
        super().__init__(source_patient)
        self.source_patient = source_patient


class Pipeline:
    """Runs batches of one feed over one connection."""

    def __init__(self, conn: Connection, source: SourceInfo, members: MemberDirectory) -> None:
        self.conn = conn
        self.source = source
        self.members = members
        self.repo = Repository(conn)
        self._org_done = False
        self._resolved: dict[str, str] = {}  # per batch: reference -> stored form

    def run(self, items: list[Item]) -> BatchReport:
        """Process one batch; the caller commits."""
        report = BatchReport()
        valid = [(n, it) for n, it in enumerate(items) if self._accepted(n, it, report)]
        patients = [(n, it) for n, it in valid if it.resource["resourceType"] == "Patient"]
        others = [(n, it) for n, it in valid if it.resource["resourceType"] != "Patient"]
        links = self._link_patients(patients, [it for _, it in others], report)
        others += self._released(patients, links, len(items))
        identities = IdentityMap(self.conn, self.source.name)
        self._resolved = {}
        identities.prefetch(self._keys(others, links))
        placed = [
            (n, p) for n, it in others if (p := self._place(n, it, links, identities, report))
        ]
        identities.flush()
        targets = self._store(placed, report)
        self._provenance(targets)
        return report

    # -- checks and patients ----------------------------------------------------------------

    def _accepted(self, index: int, item: Item, report: BatchReport) -> bool:
        resource = item.resource
        problems = resource_problems(resource) if item.problems is None else item.problems
        if problems:
            report.issue(index, item, "; ".join(problems))
            return False
        if resource["resourceType"] in SKIPPED_TYPES:
            report.counts["skipped"] += 1
            report.results[index] = ("skipped", "")
            return False
        return True

    def _link_patients(
        self, patients: list[tuple[int, Item]], others: list[Item], report: BatchReport
    ) -> dict[str, link_store.PatientLink]:
        wanted = {str(p.resource["id"]) for _, p in patients}
        for item in others:
            wanted.update(_patient_ids(item.all_references()))
        links = link_store.links_for(self.conn, self.source.name, wanted)
        for index, item in patients:
            pid = str(item.resource["id"])
            status = "known"
            if pid not in links:
                result = self.members.match(self.conn, item.resource)
                links[pid] = link_store.record_match(
                    self.conn, self.source.name, item.resource, result
                )
                status = result.status
            link = links[pid]
            report.counts[f"patients-{status}"] += 1
            member = f"Patient/{link.member_id}" if link.status == MATCHED else ""
            report.results[index] = (status if status != "known" else link.status, member)
        return links

    def _released(
        self, patients: list[tuple[int, Item]], links: dict[str, link_store.PatientLink], start: int
    ) -> list[tuple[int, Item]]:
        """Resources held before their Patient arrived, now that it matched (same transaction)."""
        released: list[Item] = []
        for _, item in patients:
            link = links[str(item.resource["id"])]
            if link.status == MATCHED and link.resolved_now:
                held = link_store.release(self.conn, self.source.name, link.source_patient)
                released += [Item("held", n, r) for n, r in enumerate(held, start=1)]
        return list(enumerate(released, start=start))

    # -- placing and rewriting --------------------------------------------------------------

    def _keys(
        self, others: list[tuple[int, Item]], links: dict[str, link_store.PatientLink]
    ) -> list[str]:
        keys: list[str] = []
        for _, item in others:
            keys += identity_keys(self.source.name, item.resource, _member(item.resource, links))
            for ref in item.all_references():
                keys += self._reference_keys(ref)
        return keys

    def _reference_keys(self, ref: str) -> list[str]:
        try:
            parsed = parse(ref)
        except UnresolvedReference:
            return []
        if parsed is None or parsed[1] == "Patient":
            return []
        return [self._reference_key(parsed)]

    def _reference_key(self, parsed: tuple[str, str, str]) -> str:
        kind, rtype, value = parsed
        if kind == "local":
            return source_key(self.source.name, rtype, value)
        system, _, code = value.partition("|")
        return identifier_key(rtype, system, code)

    def _place(
        self,
        index: int,
        item: Item,
        links: dict[str, link_store.PatientLink],
        identities: IdentityMap,
        report: BatchReport,
    ) -> _Placed | None:
        resource = item.resource
        try:
            resolved = {r: self._resolve(r, links, identities) for r in item.all_references()}
        except _Hold as hold:
            if link_store.hold(self.conn, self.source.name, hold.source_patient, resource):
                report.counts["held"] += 1
            else:
                report.counts["held-already"] += 1
            report.results[index] = ("held", "")
            return None
        except UnresolvedReference as error:
            report.issue(index, item, error.message)
            return None
        member = _member(resource, links)
        keys = identity_keys(self.source.name, resource, member)
        rtype = str(resource["resourceType"])
        body = replace_references(resource, resolved)
        body["id"] = identities.assign(rtype, keys)
        body["meta"] = _meta(resource.get("meta"), self.source)
        rows = None
        if item.index is not None:
            rows = stored_rows(item.index, rtype, resolved, body["meta"]["source"])
        return _Placed(f"Patient/{member}" if member else SHARED_GROUP, body, rows)

    def _resolve(
        self, ref: str, links: dict[str, link_store.PatientLink], identities: IdentityMap
    ) -> str:
        """The stored form of ``ref`` (the same for the whole batch once found)."""
        found = self._resolved.get(ref)
        if found is None:
            found = self._resolved[ref] = self._resolve_new(ref, links, identities)
        return found

    def _resolve_new(
        self, ref: str, links: dict[str, link_store.PatientLink], identities: IdentityMap
    ) -> str:
        parsed = parse(ref)
        if parsed is None:
            return ref
        if parsed[0] == "local" and parsed[1] == "Patient":
            link = links.get(parsed[2])
            if link is None or link.status != MATCHED:
                raise _Hold(parsed[2])
            return f"Patient/{link.member_id}"
        key = self._reference_key(parsed)
        found = identities.lookup(key)
        if found is None:
            found = derived_id(key)
            identities.remember(key, parsed[1], found)
        return f"{parsed[1]}/{found}"

    # -- storing ----------------------------------------------------------------------------

    def _store(
        self, placed: list[tuple[int, _Placed]], report: BatchReport
    ) -> dict[str, list[str]]:
        owners = link_store.owners(self.conn, [p.key for _, p in placed])
        targets: dict[str, list[str]] = defaultdict(list)
        new_sources: list[tuple[str, str]] = []
        writes: list[tuple[int, _Placed]] = []
        for index, p in placed:
            sources = owners.setdefault(p.key, set())
            if sources and self.source.name not in sources:
                targets[p.group].append(p.ref)
                self._count(report, index, "merged", p.ref)
            else:
                writes.append((index, p))
            if self.source.name not in sources:
                sources.add(self.source.name)
                new_sources.append(p.key)
        rows = [p.index for _, p in writes if p.index is not None]
        written = upsert_many(
            self.conn,
            [(p.key[0], p.body) for _, p in writes],
            mapping_version=TRANSFORM_VERSION,
            index_rows=rows if len(rows) == len(writes) else None,  # else the store extracts
        )
        for (index, p), (_, outcome) in zip(writes, written, strict=True):
            if outcome is not WriteOutcome.UNCHANGED:
                targets[p.group].append(p.ref)
            self._count(report, index, outcome.value, p.ref)
        link_store.add_sources(self.conn, new_sources, self.source.name)
        return targets

    @staticmethod
    def _count(report: BatchReport, index: int, result: str, ref: str) -> None:
        report.counts[result] += 1
        report.results[index] = (result, ref)

    def _provenance(self, targets: dict[str, list[str]]) -> None:
        if not targets:
            return
        if not self._org_done:
            org = source_organization(self.source)
            if self.repo.read("Organization", org["id"]) is None:
                self.repo.create("Organization", org, resource_id=org["id"])
            self._org_done = True
        now = datetime.now(UTC)
        provenances = [
            ("Provenance", build_provenance(self.source, group, sorted(set(refs)), now))
            for group, refs in sorted(targets.items())
        ]
        upsert_many(self.conn, provenances, mapping_version=TRANSFORM_VERSION)


def _patient_ids(references: tuple[str, ...]) -> set[str]:
    ids = set()
    for ref in references:
        if ref.startswith("Patient/"):
            ids.add(ref.removeprefix("Patient/").split("/")[0])
    return ids


def _member(resource: dict[str, Any], links: dict[str, link_store.PatientLink]) -> str | None:
    source_patient = patient_reference(resource)
    link = links.get(source_patient) if source_patient else None
    return link.member_id if link and link.status == MATCHED else None


def _meta(meta: Any, source: SourceInfo) -> dict[str, Any]:
    kept = {k: v for k, v in (meta or {}).items() if k in ("profile", "security", "tag")}
    return {**kept, "source": f"urn:fhir-payer-gateway:ehr-feed:{source.name}"}
