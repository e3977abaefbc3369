"""Gateway configuration: defaults, then ``GATEWAY_*`` environment variables, validated."""

from config.settings import ConfigError, Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings"]
