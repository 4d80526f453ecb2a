"""``TokensExtension``: opt-in token endpoints, the token service and the authenticators.

``App(extensions=[TokensExtension(prefix="/auth/token")])`` mounts the issue / refresh /
revoke endpoints under ``prefix`` (``prefix=None``: no endpoints, tokens issued from
code), registers the bearer-JWT and ``X-API-Key`` authenticators (``api_keys=False``
leaves the latter out), declares both as OpenAPI security schemes (``BearerToken``,
``ApiKey``: the API docs and the cookbook then offer fields for them on the operations
that need a caller), checks the signing keys at construction (a bad key fails at
start, naming it) and, at start-up, publishes the :class:`TokenService` as
the app's ``TOKENS`` service (unless a test provided one first).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.apikeys.authenticator import api_key_authenticator
from shipyard.auth.authenticators import PRIORITY_API_KEY, PRIORITY_JWT, register_authenticator
from shipyard.auth.models import ACCOUNTS_MIGRATIONS
from shipyard.auth.revocation import on_credentials_revoked
from shipyard.auth.tokens.authenticator import jwt_authenticator
from shipyard.auth.tokens.endpoints import token_router
from shipyard.auth.tokens.keys import KeySet
from shipyard.auth.tokens.models import TOKENS_MIGRATIONS
from shipyard.auth.tokens.service import TOKENS, TokenService, revoke_user_tokens
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch


class TokensExtension(Extension):
    """JWT access tokens, rotating refresh tokens, the denylist and API keys for an app."""

    name = "tokens"

    def __init__(self, prefix: str | None = "/auth/token", *, api_keys: bool = True) -> None:
        self.prefix = prefix
        self.api_keys = api_keys
        self._owned: TokenService | None = None

    def setup(self, app: AppBase) -> None:
        settings = app.settings
        KeySet.from_settings(settings.tokens, settings.app.secret_key.get_secret_value())
        if self.prefix is not None:
            app.include_router(token_router, prefix=self.prefix.rstrip("/"))
        register_authenticator(app, jwt_authenticator, priority=PRIORITY_JWT)
        where = f"`POST {self.prefix.rstrip('/')}`" if self.prefix is not None else "the app"
        app.add_security_scheme(
            "BearerToken",
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": f"An access token from {where}, sent as "
                "`Authorization: Bearer <token>`.",
            },
        )

        async def revoke(db: AsyncSession, user_id: int) -> None:
            await revoke_user_tokens(db, user_id, app=app)

        on_credentials_revoked(app, revoke)
        if self.api_keys:
            register_authenticator(app, api_key_authenticator, priority=PRIORITY_API_KEY)
            app.add_security_scheme(
                "ApiKey",
                {
                    "type": "apiKey",
                    "in": "header",
                    "name": settings.tokens.api_keys.header_name,
                    "description": "An API key of the account "
                    "(`shipyard.auth.apikeys.create_api_key`).",
                },
            )

    async def startup(self, app: AppBase) -> None:
        if TOKENS.find(app) is not None:
            return
        self._owned = TOKENS.provide(app, TokenService.from_settings(app.settings))

    async def shutdown(self, app: AppBase) -> None:
        owned, self._owned = self._owned, None
        if owned is not None:
            TOKENS.withdraw(app, owned)
            await owned.close()

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return (ACCOUNTS_MIGRATIONS, TOKENS_MIGRATIONS)
