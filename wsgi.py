"""WSGI entry point: ``gunicorn wsgi:app``. A bad setting stops the start with a clear message."""

import sys

from config import ConfigError
from gateway import create_app

try:
    app = create_app()
except ConfigError as error:
    sys.stderr.write(f"gateway: cannot start: {error}\n")
    raise SystemExit(2) from None
