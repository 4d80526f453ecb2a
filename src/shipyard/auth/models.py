"""The account tables: ``User`` and ``Role`` (many-to-many through ``user_roles``).

Both live on the app's ``shipyard.db.Model`` metadata (so app models can relate to them)
but are created by the ``shipyard_accounts`` migration branch that the account extensions
bring, not by the app's own migrations. Emails are stored normalised
(:func:`normalize_email`), so uniqueness ignores case and Unicode look-alikes that NFKC
folds. ``session_epoch`` grows on every password change
and "log out everywhere": a login session remembers the epoch it was made in and dies
when it no longer matches.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shipyard.core.clock import utc_now
from shipyard.db.branches import MigrationBranch
from shipyard.db.model import IdMixin, Model, TimestampMixin, UtcDateTime

user_roles = Table(
    "user_roles",
    Model.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


def normalize_email(email: str) -> str:
    """``email`` as stored and compared: NFKC, surrounding whitespace stripped, lower case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


class Role(IdMixin, Model):
    """A named set of permission strings (``"posts:create"``, ``"posts:*"``, ``"*"``)."""

    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)

    def __repr__(self) -> str:
        return f"<Role {self.name!r}>"


class User(IdMixin, TimestampMixin, Model):
    """An account: a unique normalised email, an Argon2id password hash, flags and roles.

    Extend it by subclassing (single-table inheritance) or by adding columns in a
    migration and a subclass mapped onto the same table; see docs/accounts.md.
    """

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    pending_email: Mapped[str | None] = mapped_column(String(320), default=None)
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")

    @validates("email", "pending_email")
    def _normalize(self, key: str, value: str | None) -> str | None:
        return None if value is None else normalize_email(value)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"


ACCOUNTS_MIGRATIONS = MigrationBranch.declare(
    "shipyard_accounts",
    Path(__file__).parent / "migrations",
    Role.__table__,
    User.__table__,
    user_roles,
)
"""The migrations of the account tables, declared before any app subclass adds columns."""
