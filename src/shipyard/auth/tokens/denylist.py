"""The denylist of revoked access tokens, kept until each token would have expired.

Two backends behind one :class:`Denylist` protocol, chosen by ``tokens.denylist``:
:class:`DatabaseDenylist` (table ``shipyard_revoked_tokens``, written in the caller's
session so a revocation commits or rolls back with the rest of the work) and
:class:`RedisDenylist` (one key per ``jti`` with an absolute expiry; Redis forgets it
when the token dies). Both take the caller's session so callers need not care which.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.tokens.models import RevokedToken
from shipyard.core.clock import utc_now
from shipyard.db.direct import DirectSelect
from shipyard.db.kept import read_first

if TYPE_CHECKING:
    from redis.asyncio import Redis

Revocation = tuple[str, datetime]
"""A ``(jti, expires_at)`` pair: which token, and until when to remember it."""


class Denylist(Protocol):
    """Where revoked access-token ids are kept until they expire."""

    async def add(self, session: AsyncSession, revocations: Sequence[Revocation]) -> None:
        """Deny these tokens until their expiry (already expired ones are skipped)."""

    async def contains(self, session: AsyncSession, jti: str) -> bool:
        """True if the token with this ``jti`` was revoked."""

    async def close(self) -> None:
        """Release connections."""


_LIVE_REVOCATION = DirectSelect(
    select(RevokedToken.jti).where(
        RevokedToken.jti == bindparam("jti"), RevokedToken.expires_at > bindparam("now")
    )
)
"""A token's revocation while the token lives: read for every request with a JWT."""


class DatabaseDenylist:
    """Revoked ids as rows of ``shipyard_revoked_tokens`` in the app's database."""

    async def add(self, session: AsyncSession, revocations: Sequence[Revocation]) -> None:
        now = utc_now()
        rows = [
            {"jti": jti, "expires_at": expires, "revoked_at": now}
            for jti, expires in dict(revocations).items()
            if expires > now
        ]
        if not rows:
            return
        bind = session.get_bind()
        dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
        await session.execute(
            dialect.insert(RevokedToken).values(rows).on_conflict_do_nothing(index_elements=["jti"])
        )

    async def contains(self, session: AsyncSession, jti: str) -> bool:
        row = await read_first(session, _LIVE_REVOCATION, jti=jti, now=utc_now())
        return row is not None

    async def purge_expired(self, session: AsyncSession) -> int:
        """Delete the rows of tokens that have expired anyway; returns how many went."""
        result = await session.execute(
            delete(RevokedToken).where(RevokedToken.expires_at <= utc_now())
        )
        return int(getattr(result, "rowcount", 0))

    async def close(self) -> None:
        """Nothing to release: the engine belongs to the database extension."""


class RedisDenylist:
    """Revoked ids as Redis keys (``prefix + jti``) that expire with the token."""

    def __init__(self, client: Redis, prefix: str = "shipyard:revoked-jti:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "shipyard:revoked-jti:") -> RedisDenylist:
        """A denylist on a new connection pool for ``url`` (connects on first use)."""
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), prefix)

    async def add(self, session: AsyncSession, revocations: Sequence[Revocation]) -> None:
        now = utc_now()
        live = [(jti, expires) for jti, expires in revocations if expires > now]
        if not live:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for jti, expires in live:
                pipe.set(self.prefix + jti, b"1", pxat=int(expires.timestamp() * 1000))
            await pipe.execute()

    async def contains(self, session: AsyncSession, jti: str) -> bool:
        return bool(await self.client.exists(self.prefix + jti))

    async def close(self) -> None:
        await self.client.aclose()
