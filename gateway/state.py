"""The per-app objects built once by ``create_app`` and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from config import Settings


@dataclass(frozen=True, slots=True)
class GatewayState:
    """Settings and the database engine; stored in ``app.extensions["gateway"]``."""

    settings: Settings
    engine: Engine

    @property
    def base_url(self) -> str:
        """The absolute FHIR base URL without a trailing slash."""
        return str(self.settings["BASE_URL"]).rstrip("/")
