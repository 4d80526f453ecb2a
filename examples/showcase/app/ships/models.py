"""The ``Ship`` table."""

from __future__ import annotations

from shipyard.db import IdMixin, Model, TimestampMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

NAME_MAX_LENGTH = 100


class Ship(IdMixin, TimestampMixin, Model):
    """A ship in the harbour, known by its unique name."""

    __tablename__ = "ships"

    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
