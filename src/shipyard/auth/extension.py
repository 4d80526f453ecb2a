"""``AuthExtension``: the account pages, mounted under a prefix the app chooses (opt-in).

``App(extensions=[AuthExtension(prefix="/account")])`` adds register, login, logout,
verification, forgot/reset password and change password/email pages, makes the deps
send anonymous browsers to its login page, and gives templates ``current_identity``
(the request's Identity once a dependency resolved it, else None). The dependencies and
the session authenticator work without it (an API-only app needs no pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from shipyard.auth.models import ACCOUNTS_MIGRATIONS, User
from shipyard.auth.pages_account import account_pages
from shipyard.auth.pages_config import ACCOUNT_PAGES, AccountPages
from shipyard.auth.pages_session import session_pages
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.web.templates import register_context_processor

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch


def _identity_context(request: Request) -> dict[str, Any]:
    return {"current_identity": getattr(request.state, "identity", None)}


class AuthExtension(Extension):
    """Account pages under ``prefix``; ``user_model`` names the app's User subclass."""

    name = "auth"

    def __init__(self, prefix: str = "/account", *, user_model: type[User] = User) -> None:
        if not prefix.startswith("/") or prefix.endswith("/") or "//" in prefix:
            raise ShipyardError(
                f"AuthExtension prefix {prefix!r} is not a path like '/account'",
                hint="start it with '/' and do not end it with '/'",
            )
        self.prefix = prefix
        self.user_model = user_model

    def setup(self, app: AppBase) -> None:
        ACCOUNT_PAGES.provide(app, AccountPages(self.prefix, self.user_model))
        app.include_router(session_pages, prefix=self.prefix)
        app.include_router(account_pages, prefix=self.prefix)
        register_context_processor(app, _identity_context)

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return (ACCOUNTS_MIGRATIONS,)
