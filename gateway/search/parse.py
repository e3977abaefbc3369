"""Parse a search query string into criteria and result parameters (pure, no SQL).

Unknown parameters are collected (lenient handling drops them, strict refuses them);
malformed values raise :class:`gateway.errors.InvalidSearch` naming the parameter.
https://hl7.org/fhir/R4/search.html
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.errors import InvalidSearch
from gateway.search import terms
from gateway.search.composites import component_param, grouped, on_resource
from gateway.search.registry import SearchParam, param
from gateway.search.terms import Term, split_escaped

# Modifiers the compiler implements, per parameter type (anything else is a 400).
MODIFIERS: dict[str, frozenset[str]] = {
    "string": frozenset({"exact", "contains", "missing"}),
    "token": frozenset({"not", "text", "of-type", "missing"}),
    "reference": frozenset({"identifier", "missing"}),
    "date": frozenset({"missing"}),
    "number": frozenset({"missing"}),
    "quantity": frozenset({"missing"}),
    "uri": frozenset({"below", "above", "missing"}),
    "position": frozenset({"missing"}),
}
MAX_CHAIN = 4


@dataclass(frozen=True, slots=True)
class Criterion:
    """One parameter occurrence: its values are OR-ed; occurrences are AND-ed.

    A forward chain sets ``chain_criteria`` (one inner criterion per target type); a reverse
    chain sets ``has`` = (source type, reference parameter on the source) and one inner one.
    """

    resource_type: str
    name: str
    param: SearchParam
    modifier: str | None = None
    values: tuple[Term, ...] = ()
    missing: bool | None = None
    chain_criteria: tuple[Criterion, ...] = ()
    has: tuple[str, SearchParam] | None = None
    # A composite: OR-ed alternatives, each the AND of one criterion per component;
    # ``grouped``: the components must match within one repeating element.
    parts: tuple[tuple[Criterion, ...], ...] = ()
    grouped: bool = False

    @property
    def chain(self) -> Criterion | None:
        """The first inner criterion of a chain or ``_has`` (``None`` for a plain one)."""
        return self.chain_criteria[0] if self.chain_criteria else None


class UnknownParameter(Exception):
    """A parameter name the type does not define (lenient handling ignores it)."""


@dataclass(slots=True)
class ParseContext:
    """What parsing needs besides the text: the base URL for absolute references."""

    base_url: str
    unknown: list[str] = field(default_factory=list)


def criterion(rtype: str, key: str, raw: str, pc: ParseContext, depth: int = 0) -> Criterion:
    """Parse ``key=raw`` for ``rtype``; raises UnknownParameter or InvalidSearch."""
    if depth > MAX_CHAIN:
        raise InvalidSearch(f"chain in {key} is too long", expression=[key])
    if key.startswith("_has:"):
        return _has(rtype, key, raw, pc, depth)
    head, _, rest = key.partition(".")
    code, _, modifier = head.partition(":")
    sp = param(rtype, code)
    if sp is None:
        raise UnknownParameter(key)
    if sp.type == "composite" and not rest:
        return _composite(rtype, key, sp, modifier, raw, pc)
    if not sp.supported:
        raise InvalidSearch(f"parameter {code} ({sp.type}) is not supported", expression=[key])
    if rest:
        return _chain(rtype, key, sp, modifier, rest, raw, pc, depth)
    return _leaf(rtype, key, sp, modifier or None, raw, pc)


def _leaf(
    rtype: str, key: str, sp: SearchParam, modifier: str | None, raw: str, pc: ParseContext
) -> Criterion:
    if modifier and sp.type == "reference" and modifier in sp.targets:
        # ``subject:Patient=123`` is ``subject=Patient/123``
        values = tuple(_term(sp, None, f"{modifier}/{v}", pc, key) for v in _or(raw))
        return Criterion(rtype, key, sp, None, values)
    if modifier and modifier not in MODIFIERS[sp.kind]:
        raise InvalidSearch(f"modifier :{modifier} is not supported on {sp.code}", expression=[key])
    if modifier == "missing":
        if raw not in ("true", "false"):
            raise InvalidSearch(f"{key} must be true or false", expression=[key])
        return Criterion(rtype, key, sp, modifier, (), raw == "true")
    values = tuple(_term(sp, modifier, v, pc, key) for v in _or(raw))
    return Criterion(rtype, key, sp, modifier, values)


def _or(raw: str) -> list[str]:
    return [v for v in split_escaped(raw, ",") if v != ""] or [""]


def _term(sp: SearchParam, modifier: str | None, text: str, pc: ParseContext, key: str) -> Term:
    try:
        if text == "":
            raise ValueError("empty value")
        return _typed(sp.kind, modifier, text, pc)
    except ValueError as exc:
        raise InvalidSearch(f"invalid value for {key}: {exc}", expression=[key]) from None


def _typed(kind: str, modifier: str | None, text: str, pc: ParseContext) -> Term:
    if kind == "date":
        return terms.date_term(text)
    if kind == "number":
        return terms.number_term(text)
    if kind == "quantity":
        return terms.quantity_term(text)
    if kind == "position":
        return terms.near_term(text)
    if kind == "token":
        if modifier == "text":
            return terms.text_term(text)
        return terms.token_term(text, of_type=modifier == "of-type")
    if kind == "reference":
        if modifier == "identifier":
            return terms.token_term(text)
        return terms.reference_term(text, pc.base_url)
    return terms.text_term(text)


def _composite(
    rtype: str, key: str, sp: SearchParam, modifier: str, raw: str, pc: ParseContext
) -> Criterion:
    """``a$b``: the AND of one criterion per component, OR-ed over comma-separated values.

    On the resource itself the pairs are exact from the components' own rows; over repeating
    elements (``component-code-value-quantity``) the components must match within one
    element, so those use grouped rows (:mod:`gateway.search.composites`). Composites whose
    paths do not compile are refused rather than answered loosely.
    """
    pairing = grouped(rtype).get(sp.code)
    if pairing is not None:
        components: list[SearchParam | None] = list(pairing.components)
    elif on_resource(sp, rtype):
        components = [component_param(rtype, c["definition"]) for c in sp.components]
    else:
        components = []
    if modifier or not components or any(c is None or not c.supported for c in components):
        raise InvalidSearch(f"parameter {sp.code} is not supported", expression=[key])
    alternatives = []
    for value in _or(raw):
        pieces = value.split("$")
        if len(pieces) != len(components):
            raise InvalidSearch(
                f"{key} needs {len(components)} values joined by $", expression=[key]
            )
        alternatives.append(
            tuple(
                _leaf(rtype, key, comp, None, piece, pc)
                for comp, piece in zip(components, pieces, strict=True)
                if comp is not None
            )
        )
    return Criterion(rtype, key, sp, parts=tuple(alternatives), grouped=pairing is not None)


def _chain(
    rtype: str,
    key: str,
    sp: SearchParam,
    modifier: str,
    rest: str,
    raw: str,
    pc: ParseContext,
    depth: int,
) -> Criterion:
    if sp.type != "reference":
        raise InvalidSearch(f"{sp.code} is not a reference and cannot be chained", expression=[key])
    targets = (modifier,) if modifier else sp.targets
    if modifier and modifier not in sp.targets:
        raise InvalidSearch(f"{sp.code} cannot refer to {modifier}", expression=[key])
    inner: list[Criterion] = []
    for target in targets:
        try:
            inner.append(criterion(target, rest, raw, pc, depth + 1))
        except UnknownParameter:
            continue
    if not inner:
        raise UnknownParameter(key)
    return Criterion(rtype, key, sp, None, chain_criteria=tuple(inner))


def _has(rtype: str, key: str, raw: str, pc: ParseContext, depth: int) -> Criterion:
    parts = key.split(":", 3)
    if len(parts) != 4 or not all(parts[1:]):
        raise InvalidSearch(f"{key} must be _has:Type:reference:parameter", expression=[key])
    _, source, ref_code, rest = parts
    ref = param(source, ref_code)
    if ref is None or ref.type != "reference":
        raise InvalidSearch(f"{source} has no reference parameter {ref_code}", expression=[key])
    if ref.targets and rtype not in ref.targets:
        raise InvalidSearch(f"{source}.{ref_code} cannot refer to {rtype}", expression=[key])
    inner = criterion(source, rest, raw, pc, depth + 1)
    return Criterion(rtype, key, ref, None, chain_criteria=(inner,), has=(source, ref))


def criteria(rtype: str, params: Sequence[tuple[str, str]], pc: ParseContext) -> list[Criterion]:
    """Every search criterion in ``params`` (result parameters are skipped)."""
    found: list[Criterion] = []
    for key, raw in params:
        if key in RESULT_PARAMS or key.startswith("_include") or key.startswith("_revinclude"):
            continue
        try:
            found.append(criterion(rtype, key, raw, pc))
        except UnknownParameter:
            pc.unknown.append(key)
    return found


RESULT_PARAMS = frozenset(
    {
        "_count",
        "_sort",
        "_summary",
        "_elements",
        "_total",
        "_type",
        "_format",
        "_pretty",
        "_page",
        "_contained",
        "_containedType",
    }
)
