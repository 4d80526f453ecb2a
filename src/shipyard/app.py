"""`shipyard.App`: :class:`~shipyard.core.app.AppBase` with the default batteries.

This module only composes: it lists the extensions every app gets (database, config
reload, web, offline API docs, sessions, the cache, security, rate limiting, identity,
authorization, jobs, mail delivery webhooks and tracking, the mail previewer,
observability) in the order they are set up.
Everything an extension needs from the app is on ``AppBase``, so no extension imports
this module.
"""

from __future__ import annotations

from shipyard.api.apidocs import ApiDocsExtension
from shipyard.auth.callers import IdentityExtension
from shipyard.authz.extension import AuthzExtension
from shipyard.cache.extension import CacheExtension
from shipyard.config.reload import ConfigReloadExtension
from shipyard.core.app import AppBase, SettingsDep, get_settings
from shipyard.db.extension import DatabaseExtension
from shipyard.extension import Extension
from shipyard.jobs.extension import JobsExtension
from shipyard.jobs.mail.extension import MailDeliveriesExtension
from shipyard.observability.extension import ObservabilityExtension
from shipyard.ratelimit.extension import RateLimitExtension
from shipyard.security.extension import SecurityExtension
from shipyard.sessions.extension import SessionsExtension
from shipyard.web.extension import WebExtension
from shipyard.web.mail_preview import MailPreviewExtension

__all__ = ["App", "SettingsDep", "get_settings"]


class App(AppBase):
    """A FastAPI app configured from Shipyard settings, with the default batteries.

    ``App()`` loads settings from ``config/`` under ``root`` (the current directory by
    default) for the profile in ``SHIPYARD_PROFILE``; pass ``settings=`` to skip loading.
    Any plain FastAPI router or dependency works unchanged.
    """

    def default_extensions(self) -> list[Extension]:
        """Database, config reload, web, API docs, sessions, the cache, security, limits,
        identity, authz, jobs, mail webhooks and tracking, the mail previewer (development
        and test only), observability (last: it counts the events of the jobs extension)."""
        return [
            DatabaseExtension(),
            ConfigReloadExtension(),
            WebExtension(),
            ApiDocsExtension(),
            SessionsExtension(),
            CacheExtension(),
            SecurityExtension(),
            RateLimitExtension(),
            IdentityExtension(),
            AuthzExtension(),
            JobsExtension(),
            MailDeliveriesExtension(),
            MailPreviewExtension(),
            ObservabilityExtension(),
        ]
