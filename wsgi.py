"""WSGI entry point: ``gunicorn wsgi:app``. A bad setting stops the start with a clear message.

With gunicorn's ``preload_app`` this module runs once in the master, so the CapabilityStatement
(about a second of work) is built before the workers fork and every worker inherits it.
"""

import sys

from config import ConfigError
from gateway import create_app
from gateway.api.fhir import metadata_bytes

try:
    app = create_app()
except ConfigError as error:
    sys.stderr.write(f"gateway: cannot start: {error}\n")
    raise SystemExit(2) from None

metadata_bytes(app.extensions["gateway"])
