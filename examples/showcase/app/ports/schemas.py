"""What the ports JSON API accepts (create, update) and returns (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.ports.models import COUNTRY_MAX_LENGTH, NAME_MAX_LENGTH


class PortCreate(BaseModel):
    """The body of ``POST /api/ports``."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)]
    country: Annotated[str, Field(min_length=1, max_length=COUNTRY_MAX_LENGTH)]
    berths: Annotated[int | None, Field(ge=-(2**31), lt=2**31)] = None


class PortUpdate(BaseModel):
    """The body of ``PATCH /api/ports/{id}``: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)] | None = None
    country: Annotated[str, Field(min_length=1, max_length=COUNTRY_MAX_LENGTH)] | None = None
    berths: Annotated[int | None, Field(ge=-(2**31), lt=2**31)] = None

    @field_validator("name", "country")
    @classmethod
    def _keep_a_value(cls, value: object) -> object:
        """``null`` clears optional fields only; leave a field out to keep its value."""
        if value is None:
            raise ValueError("this field cannot be empty; leave it out to keep its value")
        return value


class PortRead(BaseModel):
    """One port as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    country: str
    berths: int | None
    created_at: datetime
    updated_at: datetime
