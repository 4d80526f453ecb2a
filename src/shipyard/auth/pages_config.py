"""Where an app's account pages live and which User class they manage.

:class:`AuthExtension` publishes one :class:`AccountPages` (the :data:`ACCOUNT_PAGES`
service); the login redirect and the user lookups read it, and fall back to the defaults
on an app without the pages (an API-only app).
"""

from __future__ import annotations

from dataclasses import dataclass

from shipyard.auth.models import User
from shipyard.core.services import Service

DEFAULT_PREFIX = "/account"


@dataclass(frozen=True, slots=True)
class AccountPages:
    """The account pages' path prefix and the app's User class."""

    prefix: str = DEFAULT_PREFIX
    user_model: type[User] = User

    @property
    def login_url(self) -> str:
        """The login page's path."""
        return f"{self.prefix}/login"


ACCOUNT_PAGES = Service("account_pages", AccountPages, "account pages")
"""The app's :class:`AccountPages` (set by :class:`~shipyard.auth.extension.AuthExtension`)."""
