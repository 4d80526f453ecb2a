"""``TokensExtension``: opt-in token endpoints, the token service and the authenticators.

``App(extensions=[TokensExtension(prefix="/auth/token")])`` mounts the issue / refresh /
revoke endpoints under ``prefix`` (``prefix=None``: no endpoints, tokens issued from
code), registers the bearer-JWT and ``X-API-Key`` authenticators (``api_keys=False``
leaves the latter out), checks the signing keys at construction (a bad key fails at
start, naming it) and, at start-up, publishes the :class:`TokenService` as
``app.state.tokens`` (unless one was put there first, as tests may do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.identity import PRIORITY_API_KEY, PRIORITY_JWT, register_authenticator
from shipyard.auth.revocation import on_credentials_revoked
from shipyard.extension import Extension
from shipyard.security.tokens.authenticator import jwt_authenticator
from shipyard.security.tokens.endpoints import token_router
from shipyard.security.tokens.keys import KeySet
from shipyard.security.tokens.service import TokenService, revoke_user_tokens

if TYPE_CHECKING:
    from shipyard.app import App


class TokensExtension(Extension):
    """JWT access tokens, rotating refresh tokens, the denylist and API keys for an app."""

    name = "tokens"

    def __init__(self, prefix: str | None = "/auth/token", *, api_keys: bool = True) -> None:
        self.prefix = prefix
        self.api_keys = api_keys
        self._owned: TokenService | None = None

    def setup(self, app: App) -> None:
        settings = app.settings
        KeySet.from_settings(settings.tokens, settings.app.secret_key.get_secret_value())
        if self.prefix is not None:
            app.include_router(token_router(), prefix=self.prefix.rstrip("/"))
        register_authenticator(app, jwt_authenticator, priority=PRIORITY_JWT)

        async def revoke(db: AsyncSession, user_id: int) -> None:
            await revoke_user_tokens(db, user_id, app=app)

        on_credentials_revoked(app, revoke)
        if self.api_keys:
            # Imported here: shipyard.security.apikeys imports this package (a cycle).
            from shipyard.security.apikeys.authenticator import api_key_authenticator

            register_authenticator(app, api_key_authenticator, priority=PRIORITY_API_KEY)

    async def startup(self, app: App) -> None:
        if isinstance(getattr(app.state, "tokens", None), TokenService):
            return
        self._owned = app.state.tokens = TokenService.from_settings(app.settings)

    async def shutdown(self, app: App) -> None:
        owned = self._owned
        if owned is None:
            return
        self._owned = None
        published: object = getattr(app.state, "tokens", None)
        if published is owned:
            del app.state.tokens
        await owned.close()
