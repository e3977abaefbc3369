"""The append-only audit log of access to member data; read back as FHIR AuditEvent.

The FHIR views record every interaction on member data through
:mod:`gateway.api.audit_trail` (reads buffered, writes after commit).
"""

from gateway.audit.log import Outcome, record

__all__ = ["Outcome", "record"]
