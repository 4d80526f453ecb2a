"""The built-in ``authz`` extension: template helpers and the policy registry's settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.authz.registry import policies
from shipyard.authz.templating import register_authz_globals
from shipyard.core.checks import Finding
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

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        if deploy and app.settings.authz.missing_policy == "allow":
            yield Finding(
                "authz.W001",
                "warning",
                'authz.missing_policy = "allow": a model without a policy, or a policy '
                "without the action asked, lets every caller through",
                'write the missing policies and set authz.missing_policy = "deny"',
            )
