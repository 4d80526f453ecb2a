"""The built-in ``authz`` extension: template helpers and the policy registry's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.authz.registry import policies
from shipyard.authz.templating import register_authz_globals
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class AuthzExtension(Extension):
    """Registers ``can``/``can_any`` and applies ``authz.missing_policy``/``log_denials``."""

    name = "authz"

    def setup(self, app: AppBase) -> None:
        register_authz_globals(app)
        settings = app.settings.authz
        policies.missing = settings.missing_policy
        policies.log_denials = settings.log_denials
