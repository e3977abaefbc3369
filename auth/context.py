"""AccessContext: who is calling and what they may see, built from a bearer token.

Immutable, and turned into SQL by :mod:`gateway.store.restriction` so that every query
(read, search, include, history, export) is restricted inside the database (DESIGN D3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["patient", "user", "system", "anonymous", "internal"]

# The Provider Directory types served without a token (Plan-Net).
DIRECTORY_TYPES = frozenset(
    {
        "Endpoint",
        "HealthcareService",
        "InsurancePlan",
        "Location",
        "Organization",
        "OrganizationAffiliation",
        "Practitioner",
        "PractitionerRole",
    }
)

# One alternative of a granular scope: (search parameter, value) pairs that must all hold.
Filter = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class TypeGrant:
    """What a context may do on one resource type: interactions and granular filters.

    ``interactions`` holds SMART v2 letters (``c r u d s``). ``filters`` are OR-ed
    alternatives; an empty tuple means the type is granted without a filter.
    """

    interactions: frozenset[str]
    filters: tuple[Filter, ...] = ()


@dataclass(frozen=True, slots=True)
class AccessContext:
    """An immutable description of a caller's access, default deny."""

    kind: Kind
    patient_id: str | None = None
    grants: Mapping[str, TypeGrant] = field(default_factory=dict)
    all_types: TypeGrant | None = None
    client_id: str | None = None
    fhir_user: str | None = None
    token_hash: str | None = None

    @classmethod
    def internal(cls) -> AccessContext:
        """Unrestricted access for the gateway's own jobs and command-line tools."""
        return cls(kind="internal", all_types=TypeGrant(frozenset("cruds")))

    @classmethod
    def anonymous(cls) -> AccessContext:
        """The public Provider Directory: read and search of directory types only."""
        grant = TypeGrant(frozenset("rs"))
        return cls(kind="anonymous", grants=dict.fromkeys(DIRECTORY_TYPES, grant))

    def grant_for(self, resource_type: str) -> TypeGrant | None:
        """The grant covering ``resource_type``, or ``None`` when it is not granted at all."""
        grant = self.grants.get(resource_type)
        if grant is not None:
            return grant
        return self.all_types

    def allows(self, resource_type: str, interaction: str) -> bool:
        """True when the context may perform ``interaction`` (a ``cruds`` letter) on the type."""
        grant = self.grant_for(resource_type)
        return grant is not None and interaction in grant.interactions
