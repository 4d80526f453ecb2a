"""Shipyard: a batteries-included web framework built on FastAPI.

The names most apps need are re-exported here; each subsystem lives in its own package
(``shipyard.config``, ``shipyard.db``, ``shipyard.cli``, ``shipyard.testing``...).
"""

from shipyard.app import App, SettingsDep, get_settings
from shipyard.config import Settings
from shipyard.errors import ShipyardError
from shipyard.extension import Extension

__all__ = ["App", "Extension", "Settings", "SettingsDep", "ShipyardError", "get_settings"]
__version__ = "0.1.0"
