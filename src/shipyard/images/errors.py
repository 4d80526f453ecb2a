"""What image processing raises: :class:`ImageRefused`, an image it will not decode."""

from __future__ import annotations

from shipyard.errors import ShipyardError


class ImageRefused(ShipyardError):
    """An image refused before or while decoding; ``status`` is the HTTP status it maps to.

    415 for a format that is not accepted (or not an image at all), 422 for one too large
    to decode safely (a decompression bomb) or that cannot be read.
    """

    def __init__(self, status: int, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
