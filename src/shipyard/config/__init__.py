"""Shipyard configuration: the typed settings tree and everything that fills it.

Owns loading (TOML files per profile, ``.env``, environment variables, a secrets
directory, ``secret://`` references), provenance of every value, validation errors that
say where a bad value came from, hot reload, and overrides for tests. It does not own the
CLI commands (:mod:`shipyard.cli.config`) or the app that uses the settings.
"""

from shipyard.config.errors import ConfigError, Problem
from shipyard.config.holder import SettingsHolder, override_settings
from shipyard.config.loader import available_profiles, load_settings
from shipyard.config.models import (
    AppSettings,
    ConfigSettings,
    DatabaseSettings,
    Section,
    ServerSettings,
    Settings,
)
from shipyard.config.redact import redacted
from shipyard.config.secrets import (
    SecretProvider,
    register_secret_provider,
    unregister_secret_provider,
)
from shipyard.config.sources import Source

__all__ = [
    "AppSettings",
    "ConfigError",
    "ConfigSettings",
    "DatabaseSettings",
    "Problem",
    "SecretProvider",
    "Section",
    "ServerSettings",
    "Settings",
    "SettingsHolder",
    "Source",
    "available_profiles",
    "load_settings",
    "override_settings",
    "redacted",
    "register_secret_provider",
    "unregister_secret_provider",
]
