"""The HTML form that adds and edits shipments: a pydantic model read by ``shipyard.forms``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field
from shipyard.authz import EditableFields
from shipyard.forms import FormResult, form_of

from app.shipments.models import DESCRIPTION_MAX_LENGTH, Shipment


class ShipmentForm(BaseModel):
    """What the new and edit forms of ``/shipments`` submit."""

    description: Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX_LENGTH)]
    ship_id: Annotated[int, Field(title="Ship")]
    declared_value: Annotated[int | None, Field(ge=-(2**31), lt=2**31)] = None
    cleared: bool = False


ShipmentFormDep = Annotated[
    FormResult[ShipmentForm], Depends(form_of(ShipmentForm, writable=EditableFields(Shipment)))
]
"""The submitted form; fields ``ShipmentPolicy.writable_fields`` leaves out are ignored."""
