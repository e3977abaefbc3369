"""A small hand-built provider pool for the member-side feed tests."""

from __future__ import annotations

from gateway.ingest.demo.pool import Plan, Provider, ProviderPool

LINES = ("HMO", "PPO", "MEDICAID", "MEDICARE_ADVANTAGE", "QHP")


def small_pool() -> ProviderPool:
    """Five plans (one per line of business), practitioners, facilities and a pharmacy."""
    plans = tuple(Plan(f"plan-{lob.lower()}", f"Demo {lob} plan", lob, ("net-1",)) for lob in LINES)
    providers = (
        Provider("1234567893", "practitioner", "Dr. Ada Jones", "207Q00000X", "MA", ("net-1",)),
        Provider("1245319599", "practitioner", "Dr. Ben Ito", "208D00000X", "MA", ("net-1",)),
        Provider(
            "1356448619",
            "organization",
            "Harbor Clinic",
            "261QP2300X",
            "MA",
            ("net-1",),
            ("loc-1",),
        ),
        Provider(
            "1467557710", "organization", "Bay Hospital", "282N00000X", "MA", ("net-1",), ("loc-2",)
        ),
        Provider("1578666821", "pharmacy", "Corner Pharmacy", "3336C0003X", "MA", ("net-1",)),
    )
    return ProviderPool("demo-payer", "Demo Health Plan", plans, providers)
