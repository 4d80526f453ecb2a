"""What the shipments JSON API accepts (create, update) and returns (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.shipments.models import DESCRIPTION_MAX_LENGTH


class ShipmentCreate(BaseModel):
    """The body of ``POST /api/shipments``."""

    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX_LENGTH)]
    ship_id: int
    declared_value: Annotated[int | None, Field(ge=-(2**31), lt=2**31)] = None
    cleared: bool = False


class ShipmentUpdate(BaseModel):
    """The body of ``PATCH /api/shipments/{id}``: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX_LENGTH)] | None = (
        None
    )
    ship_id: int | None = None
    declared_value: Annotated[int | None, Field(ge=-(2**31), lt=2**31)] = None
    cleared: bool | None = None

    @field_validator("description", "ship_id", "cleared")
    @classmethod
    def _keep_a_value(cls, value: object) -> object:
        """``null`` clears optional fields only; leave a field out to keep its value."""
        if value is None:
            raise ValueError("this field cannot be empty; leave it out to keep its value")
        return value


class ShipmentRead(BaseModel):
    """One shipment as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    description: str
    ship_id: int
    declared_value: int | None
    cleared: bool
    created_at: datetime
    updated_at: datetime
