"""Opaque refresh tokens in rotation families, stored as SHA-256 hashes.

A refresh token is 32 random bytes (base64url); only its SHA-256 hash is stored (the
token has full entropy, so a fast hash is enough and lookups stay indexed). Spending one
is a single conditional ``UPDATE ... SET used_at = now WHERE token_hash = ? AND used_at IS
NULL AND revoked_at IS NULL AND expires_at > now``: the row count says whether this caller
won, so of two concurrent refreshes exactly one succeeds on SQLite and PostgreSQL alike
(the write comes first, so SQLite never has to upgrade a read transaction). A token spent
before is a reuse: the family is revoked, and the access tokens issued with it are
returned so the caller can deny them - unless the reuse comes within
``tokens.refresh_reuse_grace`` seconds of the spend (a client racing itself), which is
refused without revoking anything.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from shipyard.auth.tokens.access import IssuedAccessToken
from shipyard.auth.tokens.denylist import Revocation
from shipyard.auth.tokens.errors import InvalidRefreshToken, RefreshRace, RefreshTokenReused
from shipyard.auth.tokens.models import RefreshToken
from shipyard.config.models import TokenSettings

MAX_REFRESH_TOKEN_LENGTH = 256


def hash_token(raw: str) -> str:
    """The SHA-256 hex digest stored for a token."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class RefreshTokenStore:
    """Creates, spends and revokes refresh tokens in the caller's session (never commits)."""

    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings

    async def create(
        self,
        session: AsyncSession,
        user_id: int,
        access: IssuedAccessToken,
        *,
        now: datetime,
        scopes: list[str] | None = None,
        parent: RefreshToken | None = None,
    ) -> tuple[str, RefreshToken]:
        """A new token (the raw value, shown once, and its row); a child if ``parent``."""
        raw = secrets.token_urlsafe(32)
        row = RefreshToken(
            token_hash=hash_token(raw),
            family_id=parent.family_id if parent is not None else secrets.token_hex(16),
            user_id=user_id,
            parent_id=None if parent is None else parent.id,
            scopes=scopes,
            access_jti=access.jti,
            access_expires_at=access.expires_at,
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.refresh_ttl),
        )
        session.add(row)
        await session.flush()
        return raw, row

    async def spend(self, session: AsyncSession, raw: str, *, now: datetime) -> RefreshToken:
        """Mark the token used and return its row, or raise why it cannot be used.

        :class:`RefreshTokenReused` carries the family's access tokens to deny in
        ``revocations``; the family's rows are already revoked in ``session``.
        """
        if not raw or len(raw) > MAX_REFRESH_TOKEN_LENGTH:
            raise InvalidRefreshToken("unknown refresh token")
        digest = hash_token(raw)
        spent = await _update(
            session,
            RefreshToken.token_hash == digest,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
            values={"used_at": now},
        )
        row = await _find(session, digest)
        if spent == 1 and row is not None:
            return row
        if row is None:
            raise InvalidRefreshToken("unknown refresh token")
        if row.revoked_at is not None:
            raise InvalidRefreshToken("refresh token revoked")
        if row.used_at is not None:
            if (now - row.used_at).total_seconds() <= self.settings.refresh_reuse_grace:
                raise RefreshRace("refresh token already used by a concurrent request")
            revocations = await self.revoke_family(session, row.family_id, now=now)
            raise RefreshTokenReused(
                "refresh token reused: every token of its family is revoked", revocations
            )
        raise InvalidRefreshToken("refresh token expired")

    async def revoke(self, session: AsyncSession, raw: str, *, now: datetime) -> list[Revocation]:
        """Revoke the family of this token (unknown tokens are ignored, as RFC 7009 asks)."""
        if not raw or len(raw) > MAX_REFRESH_TOKEN_LENGTH:
            return []
        family = await session.scalar(
            select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_token(raw))
        )
        return [] if family is None else await self.revoke_family(session, family, now=now)

    async def revoke_family(
        self, session: AsyncSession, family_id: str, *, now: datetime
    ) -> list[Revocation]:
        """Revoke every token of a family; the live access tokens issued with them."""
        await _update(
            session,
            RefreshToken.family_id == family_id,
            RefreshToken.revoked_at.is_(None),
            values={"revoked_at": now},
        )
        return await _live_access(session, RefreshToken.family_id == family_id, now)

    async def revoke_user(
        self, session: AsyncSession, user_id: int, *, now: datetime
    ) -> list[Revocation]:
        """Revoke every family of a user; the live access tokens issued with them."""
        await _update(
            session,
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_(None),
            values={"revoked_at": now},
        )
        return await _live_access(session, RefreshToken.user_id == user_id, now)


async def _update(
    session: AsyncSession, *conditions: ColumnElement[bool], values: dict[str, Any]
) -> int:
    statement = (
        update(RefreshToken)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = cast("CursorResult[Any]", await session.execute(statement))
    return int(result.rowcount)


async def _find(session: AsyncSession, digest: str) -> RefreshToken | None:
    query = (
        select(RefreshToken)
        .where(RefreshToken.token_hash == digest)
        .execution_options(populate_existing=True)
    )
    return await session.scalar(query)


async def _live_access(
    session: AsyncSession, condition: ColumnElement[bool], now: datetime
) -> list[Revocation]:
    query = select(RefreshToken.access_jti, RefreshToken.access_expires_at).where(
        condition, RefreshToken.access_jti.is_not(None), RefreshToken.access_expires_at > now
    )
    return [
        (jti, expires)
        for jti, expires in (await session.execute(query)).all()
        if jti is not None and expires is not None
    ]
