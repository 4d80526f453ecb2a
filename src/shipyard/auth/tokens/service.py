"""The token lifecycle in one place: issue, authenticate, refresh, revoke.

:class:`TokenService` ties the signing keys, the refresh-token families and the denylist
together; the ``TokensExtension`` builds one per app (the ``TOKENS`` service,
:func:`get_token_service`). Every method works in the caller's ``AsyncSession`` and never
commits, so tests and scripts can issue real tokens without HTTP, and a revocation
commits together with the change that caused it (a password change, a logout).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from shipyard.auth.models import User
from shipyard.auth.tokens.access import AccessClaims, AccessTokenCodec
from shipyard.auth.tokens.denylist import (
    DatabaseDenylist,
    Denylist,
    RedisDenylist,
    Revocation,
)
from shipyard.auth.tokens.errors import (
    InvalidRefreshToken,
    RefreshTokenReused,
    RevokedAccessToken,
)
from shipyard.auth.tokens.keys import KeySet
from shipyard.auth.tokens.models import RefreshToken
from shipyard.auth.tokens.refresh import RefreshTokenStore
from shipyard.config.models import Settings, TokenSettings
from shipyard.core.clock import utc_now
from shipyard.core.services import Service


@dataclass(frozen=True)
class TokenPair:
    """An access token and the refresh token issued with it (both shown only now)."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    jti: str
    user_id: int
    scopes: frozenset[str] | None

    def as_json(self, now: datetime | None = None) -> dict[str, Any]:
        """The OAuth 2.0 style token response body."""
        moment = now or utc_now()
        body: dict[str, Any] = {
            "access_token": self.access_token,
            "token_type": "Bearer",  # nosec B105
            "expires_in": max(0, int((self.access_expires_at - moment).total_seconds())),
            "refresh_token": self.refresh_token,
            "refresh_expires_in": max(0, int((self.refresh_expires_at - moment).total_seconds())),
        }
        if self.scopes is not None:
            body["scope"] = " ".join(sorted(self.scopes))
        return body


class TokenService:
    """Issues, verifies, rotates and revokes tokens for one app's settings."""

    def __init__(self, settings: TokenSettings, keys: KeySet, denylist: Denylist) -> None:
        self.settings = settings
        self.keys = keys
        self.denylist = denylist
        self.access = AccessTokenCodec(keys, settings)
        self.refresh_tokens = RefreshTokenStore(settings)

    @classmethod
    def from_settings(cls, settings: Settings, denylist: Denylist | None = None) -> TokenService:
        """A service for ``settings.tokens``; the denylist backend it names unless given."""
        tokens = settings.tokens
        keys = KeySet.from_settings(tokens, settings.app.secret_key.get_secret_value())
        if denylist is None:
            if tokens.denylist == "redis":
                denylist = RedisDenylist.from_url(
                    tokens.redis_url.get_secret_value(), tokens.redis_prefix
                )
            else:
                denylist = DatabaseDenylist()
        return cls(tokens, keys, denylist)

    async def issue(
        self,
        session: AsyncSession,
        user: User | int,
        *,
        scopes: Iterable[str] | None = None,
        now: datetime | None = None,
    ) -> TokenPair:
        """A new access token and a refresh token starting a new family."""
        user_id = user if isinstance(user, int) else user.id
        scope_list = None if scopes is None else sorted(set(scopes))
        return await self._pair(session, user_id, scope_list, now or utc_now(), parent=None)

    async def refresh(
        self, session: AsyncSession, refresh_token: str, *, now: datetime | None = None
    ) -> TokenPair:
        """Spend ``refresh_token`` and return the next pair of its family.

        Raises :class:`InvalidRefreshToken` (or a subclass). On
        :class:`RefreshTokenReused` the family is revoked in ``session`` and its access
        tokens are denied: commit the session before answering the error.
        """
        moment = now or utc_now()
        try:
            row = await self.refresh_tokens.spend(session, refresh_token, now=moment)
        except RefreshTokenReused as reused:
            await self.deny(session, reused.revocations)
            raise
        user = await session.get(User, row.user_id)
        if user is None or not user.is_active:
            await self.deny(
                session, await self.refresh_tokens.revoke_family(session, row.family_id, now=moment)
            )
            raise InvalidRefreshToken("the account is disabled")
        return await self._pair(session, row.user_id, row.scopes, moment, parent=row)

    async def authenticate(self, session: AsyncSession, token: str) -> AccessClaims:
        """The claims of a valid, unrevoked access token; raises InvalidAccessToken."""
        claims = self.access.decode(token)
        if await self.denylist.contains(session, claims.jti):
            raise RevokedAccessToken("token revoked")
        return claims

    async def revoke_access(self, session: AsyncSession, claims: AccessClaims) -> None:
        """Deny one access token until it expires."""
        await self.deny(session, [(claims.jti, claims.expires_at)])

    async def revoke_refresh(self, session: AsyncSession, refresh_token: str) -> int:
        """Revoke the family of a refresh token and its live access tokens; how many denied."""
        revocations = await self.refresh_tokens.revoke(session, refresh_token, now=utc_now())
        await self.deny(session, revocations)
        return len(revocations)

    async def revoke_user(self, session: AsyncSession, user_id: int) -> int:
        """Revoke every refresh family of a user and deny their live access tokens."""
        revocations = await self.refresh_tokens.revoke_user(session, user_id, now=utc_now())
        await self.deny(session, revocations)
        return len(revocations)

    async def deny(self, session: AsyncSession, revocations: Sequence[Revocation]) -> None:
        """Put access tokens on the denylist until they expire (plus the clock leeway)."""
        leeway = timedelta(seconds=self.settings.leeway + 1)
        await self.denylist.add(session, [(jti, expires + leeway) for jti, expires in revocations])

    async def close(self) -> None:
        """Release the denylist's connections."""
        await self.denylist.close()

    async def _pair(
        self,
        session: AsyncSession,
        user_id: int,
        scopes: list[str] | None,
        now: datetime,
        *,
        parent: RefreshToken | None,
    ) -> TokenPair:
        access = self.access.encode(user_id, scopes=scopes, now=now)
        raw, row = await self.refresh_tokens.create(
            session, user_id, access, now=now, scopes=scopes, parent=parent
        )
        return TokenPair(
            access_token=access.token,
            access_expires_at=access.expires_at,
            refresh_token=raw,
            refresh_expires_at=row.expires_at,
            jti=access.jti,
            user_id=user_id,
            scopes=None if scopes is None else frozenset(scopes),
        )


TOKENS = Service(
    "tokens",
    TokenService,
    "token service",
    hint="add TokensExtension() to App(extensions=[...]) and start the app",
)
"""The app's :class:`TokenService`."""


def get_token_service(app: Starlette) -> TokenService:
    """The :class:`TokenService` of an app running the ``TokensExtension``."""
    return TOKENS.get(app)


async def revoke_user_tokens(session: AsyncSession, user_id: int, *, app: Starlette) -> int:
    """Revoke every refresh token and live access token of a user (logout, password change).

    Does nothing (returns 0) on an app without the ``TokensExtension``: it has issued no
    tokens. Runs in ``session``; the caller commits.
    """
    service = TOKENS.find(app)
    return 0 if service is None else await service.revoke_user(session, user_id)


TokenServiceDep = Annotated[TokenService, Depends(TOKENS.dependency)]
"""The :class:`TokenService` of the app serving the request, as a dependency."""
