"""Test-only models with every column type filters support, and the rows they hold.

``ITEMS`` is the seed data: the tests compute what each filter should return from it in
Python and compare with what the database returns.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Numeric, SmallInteger, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shipyard.db import IdMixin, Model


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class QueryPublisher(IdMixin, Model):
    __tablename__ = "query_test_publishers"

    name: Mapped[str] = mapped_column(String(100))
    authors: Mapped[list[QueryAuthor]] = relationship(back_populates="publisher")


class QueryAuthor(IdMixin, Model):
    __tablename__ = "query_test_authors"

    name: Mapped[str] = mapped_column(String(100))
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("query_test_publishers.id"))
    publisher: Mapped[QueryPublisher | None] = relationship(back_populates="authors")


class QueryItem(IdMixin, Model):
    __tablename__ = "query_test_items"

    title: Mapped[str] = mapped_column(String(200))
    word: Mapped[str | None] = mapped_column(String(50))
    count: Mapped[int | None]
    small: Mapped[int] = mapped_column(SmallInteger, default=0)
    big: Mapped[int] = mapped_column(BigInteger, default=0)
    ratio: Mapped[float | None]
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    active: Mapped[bool | None]
    day: Mapped[date | None]
    at: Mapped[datetime | None]
    color: Mapped[Color | None] = mapped_column(Enum(Color, name="query_test_color"))
    ref: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("query_test_authors.id"))
    author: Mapped[QueryAuthor | None] = relationship()


TABLES = [
    Model.metadata.tables[model.__tablename__] for model in (QueryPublisher, QueryAuthor, QueryItem)
]

PUBLISHERS = [{"id": 1, "name": "Orbit"}, {"id": 2, "name": "Tor"}]
AUTHORS = [
    {"id": 1, "name": "Le Guin", "publisher_id": 1},
    {"id": 2, "name": "Banks", "publisher_id": 2},
    {"id": 3, "name": "Cherryh", "publisher_id": None},
]


def _at(day: int, hour: int) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


def _ref(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


ITEMS: list[dict[str, Any]] = [
    {
        "id": 1,
        "title": "The Dispossessed",
        "word": "alpha",
        "count": 10,
        "small": 1,
        "big": 2**40,
        "ratio": 0.5,
        "price": Decimal("9.99"),
        "active": True,
        "day": date(2024, 1, 1),
        "at": _at(1, 9),
        "color": Color.RED,
        "ref": _ref(1),
        "author_id": 1,
    },
    {
        "id": 2,
        "title": "100% pure",
        "word": "bravo",
        "count": 20,
        "small": 2,
        "big": -5,
        "ratio": 1.25,
        "price": Decimal("19.50"),
        "active": False,
        "day": date(2024, 2, 1),
        "at": _at(2, 9),
        "color": Color.GREEN,
        "ref": _ref(2),
        "author_id": 2,
    },
    {
        "id": 3,
        "title": "snake_case",
        "word": None,
        "count": None,
        "small": 3,
        "big": 7,
        "ratio": None,
        "price": None,
        "active": None,
        "day": None,
        "at": None,
        "color": None,
        "ref": None,
        "author_id": None,
    },
    {
        "id": 4,
        "title": "snakeXcase",
        "word": "charlie",
        "count": 20,
        "small": 2,
        "big": 7,
        "ratio": 2.75,
        "price": Decimal("19.50"),
        "active": True,
        "day": date(2024, 3, 1),
        "at": _at(3, 18),
        "color": Color.BLUE,
        "ref": _ref(3),
        "author_id": 3,
    },
    {
        "id": 5,
        "title": "the dispossessed",
        "word": "alpha",
        "count": 30,
        "small": 3,
        "big": 0,
        "ratio": 0.5,
        "price": Decimal("0.10"),
        "active": False,
        "day": date(2024, 1, 1),
        "at": _at(1, 12),
        "color": Color.RED,
        "ref": _ref(4),
        "author_id": 1,
    },
    {
        "id": 6,
        "title": "Comma, \\ backslash",
        "word": None,
        "count": 5,
        "small": 1,
        "big": 3,
        "ratio": None,
        "price": Decimal("5.00"),
        "active": None,
        "day": date(2024, 4, 1),
        "at": None,
        "color": Color.BLUE,
        "ref": None,
        "author_id": 2,
    },
]
