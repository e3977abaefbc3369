"""The demo provider network as the member and claim generators see it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider claims can name: practitioners, organizations (facilities) and pharmacies."""

    npi: str
    kind: str  # "practitioner" | "organization" | "pharmacy"
    name: str
    taxonomy: str  # NUCC code
    state: str
    network_keys: tuple[str, ...]  # the networks (source keys) the provider participates in
    location_keys: tuple[str, ...] = ()  # directory Locations (source keys) where it serves


@dataclass(frozen=True, slots=True)
class Plan:
    """A benefit plan (InsurancePlan source key) members can enroll in."""

    key: str
    name: str
    line_of_business: str  # "HMO" | "PPO" | "MEDICAID" | "MEDICARE_ADVANTAGE" | "QHP"
    network_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProviderPool:
    """What the network generator hands to the member and claim generators."""

    payer_key: str
    payer_name: str
    plans: tuple[Plan, ...]
    providers: tuple[Provider, ...]
