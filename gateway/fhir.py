"""The one import surface for FHIR models: ``fhir.resources.R4B`` behind a FHIR 4.0.1 facade.

`fhir.resources` ships no R4 package; R4B (4.3.0) is structurally a superset of R4 for the
resources this gateway serves. The differences that touch us, and how each is handled, are in
docs/adr/0002-r4-on-the-wire-with-r4b-models.md. Only this module and :mod:`mappings.models`
(mappings may not import ``gateway``) import ``fhir.resources``; import-linter enforces it.

https://hl7.org/fhir/R4/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"

# R4B-only resource types (not in R4 4.0.1): refused on the wire.
R4B_ONLY_TYPES = frozenset(
    {
        "AdministrableProductDefinition",
        "Citation",
        "ClinicalUseDefinition",
        "EvidenceReport",
        "Ingredient",
        "ManufacturedItemDefinition",
        "NutritionProduct",
        "PackagedProductDefinition",
        "RegulatedAuthorization",
        "SubscriptionStatus",
        "SubscriptionTopic",
    }
)

# R4 resource types whose structure R4B reworked: the R4B model would judge R4 content wrongly.
R4B_REWORKED_TYPES = frozenset({"Evidence", "EvidenceVariable"})

# Choice-type suffixes of data types R4B added (CodeableReference, RatioRange), and R4B-only
# elements: valid for the R4B models, invalid in R4 4.0.1.
R4B_ONLY_SUFFIXES = ("CodeableReference", "RatioRange")
R4B_ONLY_ELEMENTS = {
    ("ActivityDefinition", "subjectCanonical"),
    ("PlanDefinition", "subjectCanonical"),
}

# R4 4.0.1 resource types that R4B removed or renamed: none of them is served here.
R4_ONLY_TYPES = frozenset(
    {
        "EffectEvidenceSynthesis",
        "MedicinalProduct",
        "MedicinalProductAuthorization",
        "MedicinalProductContraindication",
        "MedicinalProductIndication",
        "MedicinalProductIngredient",
        "MedicinalProductInteraction",
        "MedicinalProductManufactured",
        "MedicinalProductPackaged",
        "MedicinalProductPharmaceutical",
        "MedicinalProductUndesirableEffect",
        "RiskEvidenceSynthesis",
        "SubstanceNucleicAcid",
        "SubstancePolymer",
        "SubstanceProtein",
        "SubstanceReferenceInformation",
        "SubstanceSourceMaterial",
        "SubstanceSpecification",
    }
)


@dataclass(frozen=True, slots=True)
class StructureIssue:
    """One structural problem in an inbound resource, with a FHIRPath-like location."""

    expression: str
    message: str


@cache
def model_class(resource_type: str) -> type[FHIRAbstractModel]:
    """The R4B model class for an R4 resource type; ``KeyError`` when it is not an R4 type."""
    if resource_type in R4B_ONLY_TYPES | R4B_REWORKED_TYPES or not resource_type[:1].isupper():
        raise KeyError(resource_type)
    try:
        cls = get_fhir_model_class(resource_type)
    except ValueError:
        raise KeyError(resource_type) from None
    return cls


def is_resource_type(resource_type: str) -> bool:
    """True when ``resource_type`` names an R4 resource this gateway can hold."""
    try:
        model_class(resource_type)
    except KeyError:
        return False
    return True


def structure_issues(resource: Mapping[str, Any]) -> list[StructureIssue]:
    """Checks a resource's structure against the FHIR model; an empty list means valid.

    Messages are built from the model's error types and locations only, never from the
    offending values, so they are safe to return to a client.
    """
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str) or not is_resource_type(resource_type):
        return [StructureIssue("resourceType", "unknown or missing resourceType")]
    try:
        model_class(resource_type).model_validate(dict(resource))
    except ValidationError as exc:
        return [
            StructureIssue(_expression(resource_type, err["loc"]), _message(err["type"]))
            for err in exc.errors(include_url=False, include_input=False)
        ]
    return list(_r4b_only(resource_type, resource, resource_type))


def _r4b_only(resource_type: str, node: Any, path: str) -> Iterator[StructureIssue]:
    """Elements the R4B models accept but FHIR R4 4.0.1 does not have."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key.endswith(R4B_ONLY_SUFFIXES) or (resource_type, key) in R4B_ONLY_ELEMENTS:
                yield StructureIssue(here, "element or data type not in FHIR R4 4.0.1")
            elif isinstance(value, dict | list):
                yield from _r4b_only(resource_type, value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _r4b_only(resource_type, item, f"{path}[{index}]")


def model_to_json(model: FHIRAbstractModel) -> dict[str, Any]:
    """A model as FHIR JSON (aliases, no nulls): what mappings hand to the store."""
    return orjson.loads(model.model_dump_json(by_alias=True, exclude_none=True))  # type: ignore[no-any-return]


def _expression(resource_type: str, loc: tuple[int | str, ...]) -> str:
    parts = [resource_type]
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]"
        elif not str(item).startswith(("function-", "json-or-python")):
            parts.append(str(item).removesuffix("__ext"))
    return ".".join(parts)


_MESSAGES = {
    "extra_forbidden": "unknown element",
    "missing": "required element is missing",
    "string_type": "expected a string",
    "bool_type": "expected a boolean",
    "int_type": "expected an integer",
    "list_type": "expected an array",
    "model_type": "expected an object",
    "dict_type": "expected an object",
    "decimal_type": "expected a number",
    "string_pattern_mismatch": "value does not match the FHIR primitive's format",
    "value_error": "value is not valid here",
    "enum": "code is not one of the allowed values",
    "literal_error": "value is not one of the allowed values",
}


def _message(error_type: str) -> str:
    return _MESSAGES.get(error_type, f"invalid value ({error_type})")
