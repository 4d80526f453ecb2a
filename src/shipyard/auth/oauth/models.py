"""The ``oauth_identities`` table: a provider identity linked to an account.

One row per (provider, subject), unique both ways: an identity belongs to one account,
and an account has at most one identity per provider. The provider's tokens are kept
encrypted (:mod:`shipyard.auth.oauth.crypto`). Created by the ``shipyard_oauth``
migration branch that ``OAuthExtension`` brings.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.db.branches import MigrationBranch
from shipyard.db.model import IdMixin, Model, TimestampMixin


class LinkedIdentity(IdMixin, TimestampMixin, Model):
    """An account's identity at a provider: who they are there, and our tokens."""

    __tablename__ = "oauth_identities"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_oauth_identities_provider_subject"),
        UniqueConstraint("user_id", "provider", name="uq_oauth_identities_user_id_provider"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    tokens: Mapped[str | None] = mapped_column(Text, default=None)

    def __repr__(self) -> str:
        return f"<LinkedIdentity {self.provider}:{self.subject} user={self.user_id}>"


OAUTH_MIGRATIONS = MigrationBranch.declare(
    "shipyard_oauth", Path(__file__).parent / "migrations", LinkedIdentity.__table__
)
"""The migrations of the linked-identities table."""
