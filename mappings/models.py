"""The FHIR model classes mappings build (fhir.resources R4B, served as 4.0.1).

The only module of ``mappings`` that imports fhir.resources (DESIGN D6); see
docs/adr/0002-r4-on-the-wire-with-r4b-models.md for the R4/R4B differences.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel

__all__ = ["FHIRAbstractModel", "build", "to_json"]


def build(resource_type: str, data: dict[str, Any]) -> FHIRAbstractModel:
    """Validate ``data`` as a ``resource_type`` model (raises pydantic's ValidationError)."""
    cls = get_fhir_model_class(resource_type)
    return cls.model_validate({"resourceType": resource_type, **data})


def to_json(model: FHIRAbstractModel) -> dict[str, Any]:
    """FHIR JSON of a model: aliases, no nulls."""
    import json

    return json.loads(model.model_dump_json(by_alias=True, exclude_none=True))  # type: ignore[no-any-return]
