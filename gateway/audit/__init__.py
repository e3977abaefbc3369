"""The append-only audit log of access to member data; read back as FHIR AuditEvent.

The FHIR views call :func:`record_result` (or :func:`record`) for every interaction on member
data, refused ones included.
"""

from gateway.audit.log import Outcome, record
from gateway.audit.results import record_result

__all__ = ["Outcome", "record", "record_result"]
