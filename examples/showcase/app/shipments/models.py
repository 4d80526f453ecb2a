"""The ``Shipment`` table."""

from __future__ import annotations

from shipyard.db import IdMixin, Model, TimestampMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.ships.models import Ship

DESCRIPTION_MAX_LENGTH = 120


class Shipment(IdMixin, TimestampMixin, Model):
    """One shipment, belonging to its ship."""

    __tablename__ = "shipments"
    __table_args__ = (Index("ix_shipments_created_at", "created_at"),)

    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    ship_id: Mapped[int] = mapped_column(ForeignKey("ships.id", ondelete="CASCADE"), index=True)
    ship: Mapped[Ship] = relationship()
    declared_value: Mapped[int | None] = mapped_column(Integer())
    cleared: Mapped[bool] = mapped_column(Boolean(), default=False)
