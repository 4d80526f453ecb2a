"""The HTML form that adds a ship: a pydantic model parsed by ``shipyard.forms``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field
from shipyard.forms import FormResult, form_of
from shipyard.images import ImageCheck
from shipyard.uploads import Upload, UploadedFile

from app.ships.models import NAME_MAX_LENGTH

NAME_MIN_LENGTH = 3
PHOTO_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]
PHOTO_MAX_SIZE = "5MB"
PAPERS = Upload(max_size="10MB", types=["application/pdf", *PHOTO_TYPES])
"""What a ship's papers may be: checked when a direct upload is confirmed."""


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
    photo: Annotated[
        UploadedFile | None,
        Field(
            title="Photo", description=f"Optional: PNG, JPEG, GIF or WebP, up to {PHOTO_MAX_SIZE}."
        ),
    ] = None


ShipFormDep = Annotated[
    FormResult[ShipForm],
    Depends(
        form_of(
            ShipForm,
            uploads=Upload(max_size=PHOTO_MAX_SIZE, types=PHOTO_TYPES, checks=[ImageCheck()]),
        )
    ),
]
"""The form, a photo checked by its bytes (type, structure, size) as it streams in, and
as an image (format, pixels: no decompression bomb) before it is stored."""
