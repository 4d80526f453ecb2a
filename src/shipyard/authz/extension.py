"""The built-in ``authz`` extension: makes the ``can(...)`` template global available."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.authz.templating import register_authz_globals
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class AuthzExtension(Extension):
    """Registers the permission template helpers."""

    name = "authz"

    def setup(self, app: AppBase) -> None:
        register_authz_globals(app)
