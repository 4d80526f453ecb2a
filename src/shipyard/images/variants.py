"""A variant: how to derive one picture from an image (:class:`Variant`), and its key.

::

    Variant(resize_to_limit=(800, 800))                  # shrink to fit, never enlarge
    Variant(resize_to_fit=(400, 300))                    # fit the box, enlarging if small
    Variant(resize_to_fill=(200, 200), format="webp")    # exactly 200x200, cropped
    Variant(format="jpeg", quality=70)                   # same size, re-encoded

The names and behaviour follow Rails' Active Storage (``resize_to_limit``,
``resize_to_fit``, ``resize_to_fill``). A variant is a frozen pydantic model: its
canonical JSON gives the :attr:`Variant.digest`, and :func:`variant_key` derives the
storage key of a variant from the original's key and that digest, so the same variant of
the same image is always stored once, under the same key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shipyard.storage import derived_key

Side = Annotated[int, Field(ge=1, le=10_000)]
Box = tuple[Side, Side]
OutputFormat = Literal["png", "jpeg", "webp", "gif"]

MEDIA_TYPES: dict[str, str] = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
}
"""The media type of each output format."""

EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}


class Variant(BaseModel):
    """One derived picture: at most one resize, an output format, a quality."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    resize_to_limit: Box | None = None
    """Shrink to fit inside ``(width, height)``, keeping the aspect; never enlarge."""
    resize_to_fit: Box | None = None
    """Fit inside ``(width, height)``, keeping the aspect; enlarge a smaller image."""
    resize_to_fill: Box | None = None
    """Exactly ``(width, height)``: scale to cover it, then crop the overflow (centred)."""
    format: OutputFormat | None = None
    """The output format; None keeps the original's."""
    quality: Annotated[int, Field(ge=1, le=100)] | None = None
    """JPEG and WebP quality; None uses the ``images.quality`` setting."""

    @model_validator(mode="after")
    def _one_resize(self) -> Variant:
        resizes = [self.resize_to_limit, self.resize_to_fit, self.resize_to_fill]
        if sum(box is not None for box in resizes) > 1:
            raise ValueError("a variant resizes at most one way")
        return self

    def spec(self) -> dict[str, Any]:
        """The variant as plain JSON data (what links and jobs carry)."""
        return self.model_dump(mode="json", exclude_none=True)

    @property
    def digest(self) -> str:
        """SHA-256 of the variant's canonical JSON: equal variants, equal digests."""
        canonical = json.dumps(self.spec(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def variant_key(source_key: str, variant: Variant) -> str:
    """Where ``variant`` of the object ``source_key`` is stored (see the module)."""
    return derived_key(source_key, f"variant/{variant.digest}")


def variant_filename(filename: str | None, media_type: str) -> str:
    """The download name of a variant: the original's, with its own type's extension."""
    stem = PurePath(filename or "image").stem or "image"
    return stem + EXTENSIONS.get(media_type, "")
