"""Tables and schemas of the resource tests: vessels in harbours, with a crew each."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shipyard.db import IdMixin, Model

Name = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class ResourceHarbour(Model, IdMixin):
    __tablename__ = "resource_harbours"

    name: Mapped[str] = mapped_column(String(40), unique=True)


class ResourceVessel(Model, IdMixin):
    __tablename__ = "resource_vessels"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    tonnage: Mapped[int | None]
    harbour_id: Mapped[int | None] = mapped_column(ForeignKey("resource_harbours.id"))
    harbour: Mapped[ResourceHarbour | None] = relationship()
    crew: Mapped[list[ResourceSailor]] = relationship(
        order_by="ResourceSailor.id", cascade="all, delete-orphan", passive_deletes=True
    )


class ResourceSailor(Model, IdMixin):
    __tablename__ = "resource_sailors"

    name: Mapped[str] = mapped_column(String(40))
    vessel_id: Mapped[int] = mapped_column(ForeignKey("resource_vessels.id", ondelete="CASCADE"))


class HarbourOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class HarbourIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class SailorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str


class VesselOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    tonnage: int | None
    harbour: HarbourOut | None
    crew: list[SailorOut]


class VesselCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    tonnage: int | None = None
    harbour_id: int | None = None


class VesselUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    tonnage: int | None = None
