"""The token tables, on the app's ``Model`` metadata, created by the ``shipyard_tokens`` branch.

``shipyard_refresh_tokens`` holds one row per refresh token ever issued (only its SHA-256
hash), linked in families: the token issued at login starts a family, each rotation adds
a child. A row also names the access token issued with it, so revoking a family can put
those access tokens on the denylist. ``shipyard_revoked_tokens`` is the database denylist:
revoked access-token ids, kept until the token would have expired anyway.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.auth.apikeys.models import ApiKey
from shipyard.auth.models import User
from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.model import IdMixin, Model


class RefreshToken(IdMixin, Model):
    """One opaque refresh token (hashed) in a rotation family."""

    __tablename__ = "shipyard_refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipyard_refresh_tokens.id", ondelete="SET NULL"), default=None
    )
    scopes: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    access_jti: Mapped[str | None] = mapped_column(String(64), default=None)
    access_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class RevokedToken(Model):
    """A revoked access token's ``jti``, kept until ``expires_at`` (the database denylist)."""

    __tablename__ = "shipyard_revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utc_now)


TOKENS_MIGRATIONS = MigrationBranch.declare(
    "shipyard_tokens",
    Path(__file__).parent / "migrations",
    ApiKey.__table__,
    RefreshToken.__table__,
    RevokedToken.__table__,
)
"""The migrations of the API credential tables (API keys, refresh tokens, denylist)."""
