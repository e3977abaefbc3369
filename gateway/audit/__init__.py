"""The append-only audit log of access to member data; read back as FHIR AuditEvent.

The FHIR views call :func:`record` for every interaction on member data (outcome included).
"""

from gateway.audit.log import Outcome, record

__all__ = ["Outcome", "record"]
