"""Access restriction inside the query (DESIGN D3): every rule has a negative test.

Hand-made AccessContexts; includes, chains and _has must never reach outside the restriction.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from auth.context import AccessContext, TypeGrant
from gateway.errors import Forbidden, Unauthorized
from gateway.store.restriction import visible
from gateway.store.tables import resource
from tests.integration.search.conftest import Search, ids

pytestmark = pytest.mark.integration

RS = TypeGrant(frozenset("rs"))
CLINICAL = (
    "Patient",
    "ExplanationOfBenefit",
    "Coverage",
    "Observation",
    "Medication",
    "MedicationRequest",
    "Provenance",
    "Organization",
    "Practitioner",
    "Location",
)


def patient(pid: str, **grants: TypeGrant) -> AccessContext:
    """A patient-context token for ``pid`` with rs on the usual types (overridable)."""
    return AccessContext(
        kind="patient", patient_id=pid, grants={**dict.fromkeys(CLINICAL, RS), **grants}
    )


ANN = patient("pat-ann")


def test_patient_search_sees_only_own_compartment(run: Search) -> None:
    assert ids(run("ExplanationOfBenefit", ctx=ANN)) == {"eob-1"}


def test_patient_search_for_another_patient_is_refused(run: Search) -> None:
    with pytest.raises(Forbidden):
        run("ExplanationOfBenefit", ("patient", "pat-bob"), ctx=ANN)


def test_patient_sees_only_own_patient_resource(run: Search) -> None:
    assert ids(run("Patient", ctx=ANN)) == {"pat-ann"}


def test_patient_sees_directory_types(run: Search) -> None:
    assert ids(run("Organization", ctx=ANN)) == {"org-1", "org-2"}


def test_patient_sees_medication_referenced_from_compartment_only(run: Search) -> None:
    assert ids(run("Medication", ctx=ANN)) == {"med-1"}


def test_include_outside_compartment_is_omitted(run: Search) -> None:
    bundle = run("Coverage", ("_revinclude", "ExplanationOfBenefit:coverage"), ctx=ANN)
    assert ids(bundle) == {"cov-1"}
    assert ids(bundle, "include") == {"eob-1"}  # eob-3 (pat-bob) also refers to cov-1


def test_forward_include_respects_the_restriction(run: Search) -> None:
    bob = patient("pat-bob")
    bundle = run(
        "MedicationRequest",
        ("_include", "MedicationRequest:medication"),
        ("_include", "MedicationRequest:subject"),
        ctx=bob,
    )
    assert ids(bundle, "include") == {"med-2", "pat-bob"}


def test_include_of_ungranted_type_is_omitted(run: Search) -> None:
    grants = {"ExplanationOfBenefit": RS}
    ctx = AccessContext(kind="patient", patient_id="pat-ann", grants=grants)
    bundle = run("ExplanationOfBenefit", ("_include", "ExplanationOfBenefit:*"), ctx=ctx)
    assert ids(bundle) == {"eob-1"}
    assert ids(bundle, "include") == set()


def test_chain_cannot_probe_other_patients(run: Search) -> None:
    user = AccessContext(kind="user", grants={"ExplanationOfBenefit": RS})
    assert ids(run("ExplanationOfBenefit", ("patient.name", "smith"), ctx=user)) == set()


def test_anonymous_has_cannot_see_claims(run: Search) -> None:
    anonymous = AccessContext.anonymous()
    found = run(
        "Organization", ("_has:ExplanationOfBenefit:insurer:status", "active"), ctx=anonymous
    )
    assert ids(found) == set()
    internal = run("Organization", ("_has:ExplanationOfBenefit:insurer:status", "active"))
    assert ids(internal) == {"org-1"}


def test_anonymous_directory_chain_works(run: Search) -> None:
    found = run(
        "PractitionerRole", ("location.address-city", "boston"), ctx=AccessContext.anonymous()
    )
    assert ids(found) == {"role-1"}


def test_anonymous_search_of_clinical_type_is_unauthorized(run: Search) -> None:
    with pytest.raises(Unauthorized):
        run("Patient", ctx=AccessContext.anonymous())


def test_grant_without_search_is_forbidden(run: Search) -> None:
    ctx = AccessContext(kind="user", grants={"Patient": TypeGrant(frozenset("r"))})
    with pytest.raises(Forbidden):
        run("Patient", ctx=ctx)


def test_granular_filter_limits_results(run: Search) -> None:
    lab = (("category", "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"),)
    ctx = AccessContext(kind="user", grants={"Observation": TypeGrant(frozenset("rs"), (lab,))})
    assert ids(run("Observation", ctx=ctx)) == {"obs-2"}


def test_granular_filters_are_alternatives(run: Search) -> None:
    lab = (("category", "laboratory"),)
    final = (("status", "final"), ("code", "http://loinc.org|8302-2"))
    ctx = AccessContext(
        kind="system", grants={"Observation": TypeGrant(frozenset("rs"), (lab, final))}
    )
    assert ids(run("Observation", ctx=ctx)) == {"obs-1", "obs-2"}


def test_unparseable_filter_grants_nothing(run: Search) -> None:
    ctx = AccessContext(
        kind="user", grants={"Observation": TypeGrant(frozenset("rs"), ((("nope", "x"),),))}
    )
    assert ids(run("Observation", ctx=ctx)) == set()


def test_user_with_all_types_sees_everything_granted(run: Search) -> None:
    ctx = AccessContext(kind="system", all_types=RS)
    assert ids(run("ExplanationOfBenefit", ctx=ctx)) == {"eob-1", "eob-2", "eob-3"}


def _rid(engine: Engine, rtype: str, rid: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(resource.c.rid).where(resource.c.res_type == rtype, resource.c.res_id == rid)
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("rtype", "rid", "expected"),
    [
        ("Observation", "obs-1", True),
        ("Observation", "obs-2", False),
        ("Patient", "pat-ann", True),
        ("Patient", "pat-bob", False),
        ("Medication", "med-1", True),
        ("Medication", "med-2", False),
        ("Organization", "org-2", True),
    ],
)
def test_visible_follows_the_patient_compartment(
    search_engine: Engine, rtype: str, rid: str, expected: bool
) -> None:
    pk = _rid(search_engine, rtype, rid)
    with search_engine.connect() as conn:
        assert visible(conn, ANN, rtype, pk) is expected


def test_visible_needs_read_in_the_grant(search_engine: Engine) -> None:
    pk = _rid(search_engine, "Patient", "pat-ann")
    ctx = AccessContext(
        kind="patient", patient_id="pat-ann", grants={"Patient": TypeGrant(frozenset("s"))}
    )
    with search_engine.connect() as conn:
        assert visible(conn, ctx, "Patient", pk) is False


def test_visible_for_internal_runs_no_query(search_engine: Engine) -> None:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(search_engine, "before_cursor_execute", listener)
    try:
        with search_engine.connect() as conn:
            assert visible(conn, AccessContext.internal(), "Patient", 1) is True
    finally:
        event.remove(search_engine, "before_cursor_execute", listener)
    assert statements == []


def test_reused_statement_binds_the_new_patient(run: Search) -> None:
    assert ids(run("ExplanationOfBenefit", ("status", "active"), ctx=ANN)) == {"eob-1"}
    bob = patient("pat-bob")
    assert ids(run("ExplanationOfBenefit", ("status", "active"), ctx=bob)) == {"eob-3"}
    assert ids(run("ExplanationOfBenefit", ("status", "cancelled"), ctx=bob)) == {"eob-2"}
