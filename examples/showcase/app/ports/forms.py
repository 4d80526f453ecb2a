"""The HTML form that adds and edits ports: a pydantic model read by ``shipyard.forms``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field
from shipyard.forms import FormResult, form_of

from app.ports.models import COUNTRY_MAX_LENGTH, NAME_MAX_LENGTH


class PortForm(BaseModel):
    """What the new and edit forms of ``/ports`` submit."""

    name: Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)]
    country: Annotated[str, Field(min_length=1, max_length=COUNTRY_MAX_LENGTH)]
    berths: Annotated[int | None, Field(ge=-(2**31), lt=2**31)] = None


PortFormDep = Annotated[FormResult[PortForm], Depends(form_of(PortForm))]
