"""Uploaded images checked before they are accepted: :class:`ImageCheck`.

::

    PhotoDep = Annotated[Uploads, Depends(Upload(types=["image/*"], checks=[ImageCheck()]))]

Each uploaded image's header is read (:func:`~.processing.inspect_image`): a format not
in ``images.formats``, more than ``images.max_pixels`` pixels or a side over
``images.max_dimension`` is refused like any upload (a 415 or 422 problem, or the
form's error next to the field), before anything stores it. Files that are not images
pass untouched (``types=`` decides which types a route takes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shipyard.config.models import Settings
from shipyard.images.errors import ImageRefused
from shipyard.images.processing import inspect_image
from shipyard.uploads.errors import UploadRefused

if TYPE_CHECKING:
    from shipyard.uploads import UploadedFile


class ImageCheck:
    """Refuses uploaded images unsafe to decode; limits not given are the settings'."""

    def __init__(self, *, max_pixels: int | None = None, max_dimension: int | None = None) -> None:
        self.limits: dict[str, Any] = {
            name: value
            for name, value in (("max_pixels", max_pixels), ("max_dimension", max_dimension))
            if value is not None
        }

    def __call__(self, file: UploadedFile, settings: Settings) -> None:
        if not file.content_type.startswith("image/"):
            return
        rules = settings.images.model_copy(update=self.limits)
        try:
            inspect_image(file.file, rules)
        except ImageRefused as error:
            detail = f"{file.filename or 'The file'}: {error.message}"
            raise UploadRefused(error.status, detail, field=file.field) from None
