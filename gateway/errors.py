"""One error hierarchy: each class carries HTTP status, FHIR issue type and a stable code.

Rendered once, as an OperationOutcome, by the handlers in :mod:`gateway.api.errors`.
Diagnostics are written by us, never copied from an exception.
https://hl7.org/fhir/R4/operationoutcome.html
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

ISSUE_CODE_SYSTEM = "urn:fhir-payer-gateway:error-code"


class FhirError(Exception):
    """Base class: a request the gateway refuses, with what the client needs to know."""

    status: ClassVar[int] = 400
    issue_type: ClassVar[str] = "processing"
    code: ClassVar[str] = "processing"
    severity: ClassVar[str] = "error"

    def __init__(
        self,
        diagnostics: str,
        *,
        expression: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.diagnostics = diagnostics
        self.expression = tuple(expression)
        self.headers = dict(headers or {})

    def outcome(self) -> dict[str, Any]:
        """The OperationOutcome that answers this error."""
        return operation_outcome(
            self.issue_type, self.code, self.diagnostics, self.expression, self.severity
        )


def operation_outcome(
    issue_type: str,
    code: str,
    diagnostics: str,
    expression: Sequence[str] = (),
    severity: str = "error",
) -> dict[str, Any]:
    """An OperationOutcome with one issue carrying our stable error code."""
    issue: dict[str, Any] = {
        "severity": severity,
        "code": issue_type,
        "details": {"coding": [{"system": ISSUE_CODE_SYSTEM, "code": code}], "text": diagnostics},
        "diagnostics": diagnostics,
    }
    if expression:
        issue["expression"] = list(expression)
    return {"resourceType": "OperationOutcome", "issue": [issue]}


class Invalid(FhirError):
    """The request or its content does not conform (400)."""

    issue_type = "invalid"
    code = "invalid"


class MalformedJson(Invalid):
    """The body is not JSON (400)."""

    code = "malformed-json"


class InvalidResource(Invalid):
    """The resource fails FHIR structure or profile rules (400; 422 for business rules)."""

    issue_type = "structure"
    code = "invalid-resource"


class InvalidSearch(Invalid):
    """A search parameter value or modifier that cannot be processed (400)."""

    code = "invalid-search"


class NotSupported(FhirError):
    """A valid FHIR request this server does not implement (400, or 405 for methods)."""

    issue_type = "not-supported"
    code = "not-supported"


class MethodNotAllowed(NotSupported):
    """The HTTP method is not allowed on this URL (405)."""

    status = 405
    code = "method-not-allowed"


class UnsupportedMediaType(NotSupported):
    """A body in a format other than FHIR JSON (415)."""

    status = 415
    code = "unsupported-media-type"


class NotAcceptable(NotSupported):
    """The client accepts no format we produce (406)."""

    status = 406
    code = "not-acceptable"


class Unprocessable(FhirError):
    """Valid FHIR that breaks a business rule (422)."""

    status = 422
    issue_type = "business-rule"
    code = "unprocessable"


class NotFound(FhirError):
    """No such resource, type or URL; also the answer outside the caller's compartment (404)."""

    status = 404
    issue_type = "not-found"
    code = "not-found"


class UnknownType(NotFound):
    """The URL names a resource type we do not know (404)."""

    code = "unknown-resource-type"


class Gone(FhirError):
    """The resource was deleted (410)."""

    status = 410
    issue_type = "deleted"
    code = "deleted"


class Conflict(FhirError):
    """The write conflicts with the stored state (409)."""

    status = 409
    issue_type = "conflict"
    code = "conflict"


class PreconditionFailed(FhirError):
    """``If-Match`` or a conditional write's precondition does not hold (412)."""

    status = 412
    issue_type = "conflict"
    code = "version-conflict"


class TooLarge(FhirError):
    """The body is larger than the configured limit (413)."""

    status = 413
    issue_type = "too-costly"
    code = "body-too-large"


class TooCostly(FhirError):
    """The request would cost more than the configured limits allow (400)."""

    issue_type = "too-costly"
    code = "too-costly"


class Unauthorized(FhirError):
    """No valid credentials (401)."""

    status = 401
    issue_type = "login"
    code = "unauthorized"


class Forbidden(FhirError):
    """Credentials are valid but do not allow this request (403)."""

    status = 403
    issue_type = "forbidden"
    code = "forbidden"


class ServerError(FhirError):
    """An unexpected failure; the diagnostics name only a correlation id (500)."""

    status = 500
    issue_type = "exception"
    code = "internal-error"
