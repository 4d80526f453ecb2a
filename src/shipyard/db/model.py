"""The declarative base for application models, and the mixins most tables want.

:class:`Model` carries a naming convention, so every index and constraint gets a stable,
predictable name (Alembic can then drop or alter it, SQLite batch mode included).
:class:`TimestampMixin` adds ``created_at``/``updated_at`` as timezone-aware UTC datetimes
on every backend (SQLite stores no zone; :class:`UtcDateTime` puts UTC back on read).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Dialect, MetaData, func
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from shipyard.core.clock import utc_now

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


framework_metadata = MetaData(naming_convention=NAMING_CONVENTION)
"""Tables Shipyard itself owns (sessions, ...): kept out of the app's migrations.

They are created by ``shipyard db upgrade`` and, in development, on first use; the app's
Alembic autogenerate never sees them, so it neither creates nor drops them.
"""


class UtcDateTime(TypeDecorator[datetime]):
    """A ``TIMESTAMP WITH TIME ZONE`` that always reads back as an aware UTC datetime.

    Writing a naive datetime is refused: whether it meant local time or UTC is a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; use an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite stores no zone; what it holds is UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Model(AsyncAttrs, DeclarativeBase):
    """Base class for your models: ``class Post(Model, IdMixin, TimestampMixin): ...``.

    ``Mapped[datetime]`` columns are :class:`UtcDateTime`; ``awaitable_attrs`` (from
    :class:`AsyncAttrs`) loads lazy relationships in async code.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class IdMixin:
    """An auto-incrementing integer primary key named ``id``."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


class TimestampMixin:
    """``created_at`` and ``updated_at``, aware UTC, set by Python and defaulted by the server.

    Python sets both on insert and ``updated_at`` on every update (so the values are
    known without a refetch, which async code cannot do lazily); the server defaults
    cover rows inserted with plain SQL.
    """

    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, server_default=func.now(), sort_order=1
    )
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now(), sort_order=1
    )
