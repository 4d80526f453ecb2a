"""What the ships API accepts and returns, per API version."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.ships.models import NAME_MAX_LENGTH

ShipName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH, pattern=r"^[^\x00]*$"
    ),
]


class ShipCreate(BaseModel):
    """The body of ``POST /api/ships``."""

    model_config = ConfigDict(extra="forbid")

    name: ShipName = Field(description="Unique name of the ship.", examples=["Endeavour"])


class ShipUpdate(BaseModel):
    """The body of ``PATCH /api/ships/{id}``: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: ShipName = Field(description="Unique name of the ship.", examples=["Fram"])


class ShipRead(BaseModel):
    """One ship as version 1 of the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime


class ShipReadV2(ShipRead):
    """Version 2 adds when the ship last changed."""

    updated_at: datetime
