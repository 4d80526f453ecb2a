"""The table the pagination tests page through: nullable sort columns of every key type."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Enum, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.db import IdMixin, Model


class Colour(enum.Enum):
    red = "r"
    green = "g"
    blue = "b"


class Entry(IdMixin, Model):
    __tablename__ = "test_page_entries"

    name: Mapped[str] = mapped_column(String(50))
    rank: Mapped[int]
    score: Mapped[int | None]
    ratio: Mapped[float | None]
    seen: Mapped[datetime | None]
    day: Mapped[date | None]
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2, asdecimal=True))
    ref: Mapped[uuid.UUID | None]
    colour: Mapped[Colour | None] = mapped_column(Enum(Colour, native_enum=False))
