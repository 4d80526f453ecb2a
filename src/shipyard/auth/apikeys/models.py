"""The ``api_keys`` table, on the app's ``Model`` metadata, made by the tokens branch.

A row never holds the key itself: only its SHA-256 hash, the visible prefix (``sk_`` and
eight random characters, indexed, to find the row) and the last four characters (to help
a user recognise a key in a list).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.auth.models import User
from shipyard.core.clock import utc_now
from shipyard.db.model import IdMixin, Model


class ApiKey(IdMixin, Model):
    """One API key of a user: hashed, optionally scoped and expiring, revocable."""

    __tablename__ = "api_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey(User.id, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(32), index=True)
    last4: Mapped[str] = mapped_column(String(4))
    key_hash: Mapped[str] = mapped_column("hash", String(64), unique=True)
    scopes: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def is_usable(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.prefix}...{self.last4} user={self.user_id}>"
