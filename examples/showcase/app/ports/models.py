"""The ``Port`` table."""

from __future__ import annotations

from shipyard.db import IdMixin, Model, TimestampMixin
from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

NAME_MAX_LENGTH = 80
COUNTRY_MAX_LENGTH = 80


class Port(IdMixin, TimestampMixin, Model):
    """One port."""

    __tablename__ = "ports"
    __table_args__ = (Index("ix_ports_created_at", "created_at"),)

    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    country: Mapped[str] = mapped_column(String(COUNTRY_MAX_LENGTH))
    berths: Mapped[int | None] = mapped_column(Integer())
