"""A member's search that names another patient is refused (403), not answered empty.

The query restriction already keeps other members' data out of every result; this check makes
the refusal explicit, as SMART patient-level access expects: the patient comes from the token,
never from the URL. https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html
"""

from __future__ import annotations

from collections.abc import Sequence

from auth.context import AccessContext
from gateway.errors import Forbidden
from gateway.search.registry import param


def require_own_patient(
    ctx: AccessContext, resource_type: str, params: Sequence[tuple[str, str]]
) -> None:
    """403 when a patient-context search names a patient other than the token's."""
    if ctx.kind != "patient" or ctx.patient_id is None:
        return
    for name, value in params:
        for ref in value.split(","):
            named = _patient_named(resource_type, name, ref.strip())
            if named is not None and named != ctx.patient_id:
                raise Forbidden(
                    "this access token is limited to its own patient",
                    expression=[name],
                    headers={"WWW-Authenticate": 'Bearer realm="fhir", error="insufficient_scope"'},
                )


def _patient_named(resource_type: str, name: str, ref: str) -> str | None:
    code, _, modifier = name.partition(":")
    if not ref or "." in code:
        return None  # chains are restricted inside the query
    if resource_type == "Patient" and code == "_id":
        return ref
    definition = param(resource_type, code)
    if definition is None or definition.type != "reference" or "Patient" not in definition.targets:
        return None
    parts = ref.rstrip("/").split("/")
    if len(parts) >= 2:
        return parts[-1] if parts[-2] == "Patient" else None
    return ref if modifier == "Patient" or definition.targets == ("Patient",) else None
