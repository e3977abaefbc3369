"""Formats: FHIR JSON in and out (``application/fhir+json``, ``application/json``, ``_format``).

https://hl7.org/fhir/R4/http.html#mime-type
"""

from __future__ import annotations

from flask import Request

from gateway.errors import NotAcceptable, UnsupportedMediaType

_JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
_FORM = "application/x-www-form-urlencoded"


def check_accept(request: Request) -> None:
    """406 when the client asks only for formats we do not produce (XML, Turtle)."""
    fmt = request.args.get("_format") if "_format" in request.query_string.decode() else None
    if fmt is not None:
        if fmt.split(";")[0].strip() not in _JSON_FORMATS:
            raise NotAcceptable("only JSON is supported: use _format=json")
        return
    if not accepts_json(request.environ.get("HTTP_ACCEPT")):
        raise NotAcceptable("only application/fhir+json and application/json are produced")


def accepts_json(accept: str | None) -> bool:
    """Whether an ``Accept`` header value admits FHIR JSON (no header admits anything)."""
    if not accept or accept in _JSON_FORMATS:
        return True
    kinds = [part.split(";")[0].strip() for part in accept.split(",")]
    return any(k in _JSON_FORMATS or k in ("*/*", "application/*", "") for k in kinds)


def check_content_type(request: Request, *, form_allowed: bool = False) -> None:
    """415 for a body that is not FHIR JSON (or a form, where a form is allowed)."""
    mime = (request.mimetype or "").lower()
    if mime in _JSON_FORMATS or (form_allowed and mime == _FORM):
        return
    if not mime and not request.get_data(cache=True):
        return
    raise UnsupportedMediaType("send application/fhir+json")
