"""The HTML form that adds a ship: a pydantic model parsed by ``shipyard.forms``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field
from shipyard.forms import FormResult, form_of

from app.ships.models import NAME_MAX_LENGTH

NAME_MIN_LENGTH = 3


class ShipForm(BaseModel):
    """What the "Add a ship" form on ``/ships`` submits."""

    name: Annotated[
        str,
        Field(
            min_length=NAME_MIN_LENGTH,
            max_length=NAME_MAX_LENGTH,
            title="Name",
            description=f"Unique, {NAME_MIN_LENGTH} to {NAME_MAX_LENGTH} characters.",
        ),
    ]


ShipFormDep = Annotated[FormResult[ShipForm], Depends(form_of(ShipForm))]
