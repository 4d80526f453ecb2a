"""Pillow at work: reading an image safely (:func:`inspect_image`) and rendering a variant.

Every image is opened with only the decoders of the ``images.formats`` setting (a TIFF
or BMP is refused without being parsed) and only its header is read before its size is
checked: more than ``images.max_pixels`` pixels, or a side over ``images.max_dimension``,
is refused before a byte of pixel data is decoded, so a decompression bomb (a tiny file
declaring a huge picture) costs nothing. Pillow's own bomb check
(``DecompressionBombError``) and truncated or corrupt data are refused the same way:
:class:`~.errors.ImageRefused`, a 4xx, never a crash.

:func:`render` applies the EXIF orientation (``ImageOps.exif_transpose``), resizes, then
copies the bare pixels into a new image before encoding, so no metadata of the original
survives: no EXIF (GPS position, camera, dates), no XMP, no comments.

Pillow is imported when an image is first read, not with the module: an app that never
reads an image does not pay its import time and memory (~7 MB) in every worker.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from shipyard.config.sections.images import ImageSettings
from shipyard.images.errors import ImageRefused
from shipyard.images.variants import MEDIA_TYPES, Variant

if TYPE_CHECKING:
    from PIL import Image

KEPT_MODES = frozenset({"RGB", "RGBA", "L", "LA"})
"""Pixel modes every output format encodes as they are; others are converted."""
UNREADABLE = (OSError, ValueError, SyntaxError, EOFError)
"""What Pillow raises for data it cannot decode (truncated, corrupt)."""


@dataclass(frozen=True)
class ImageFacts:
    """What an image's header says: Pillow's format name and the size in pixels."""

    format: str
    width: int
    height: int

    @property
    def media_type(self) -> str:
        """The image's media type (``image/png``...)."""
        return MEDIA_TYPES[self.format.lower()]


@contextmanager
def opened(file: IO[bytes], settings: ImageSettings) -> Iterator[Image.Image]:
    """``file`` as a Pillow image whose format and size passed (see the module)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(file, formats=list[str](settings.formats))
    except Image.DecompressionBombError:
        raise too_large() from None
    except UnidentifiedImageError:
        raise ImageRefused(
            415,
            f"The file is not an image in an accepted format ({', '.join(settings.formats)}).",
        ) from None
    except UNREADABLE:
        raise unreadable() from None
    with image:
        width, height = image.size
        if width * height > settings.max_pixels:
            raise too_large(f"{width}x{height} pixels is over the limit of {settings.max_pixels}")
        if max(width, height) > settings.max_dimension:
            raise too_large(
                f"a side of {max(width, height)} pixels is over the limit of "
                f"{settings.max_dimension}"
            )
        yield image


def too_large(why: str = "it declares too many pixels") -> ImageRefused:
    """The refusal of an image too large to decode safely."""
    return ImageRefused(422, f"The image is too large to process: {why}.")


def unreadable() -> ImageRefused:
    """The refusal of an image whose data cannot be decoded."""
    return ImageRefused(422, "The image could not be read: it is truncated or corrupt.")


def inspect_image(file: IO[bytes], settings: ImageSettings) -> ImageFacts:
    """The facts of the image in ``file`` (its header only is read; ``file`` is rewound)."""
    try:
        with opened(file, settings) as image:
            if image.format is None:  # Pillow names the format of every file it opens
                raise unreadable()
            return ImageFacts(image.format, image.width, image.height)
    finally:
        file.seek(0)


def render(data: bytes, variant: Variant, settings: ImageSettings) -> tuple[bytes, str]:
    """``variant`` of the image ``data``: the encoded bytes and their media type."""
    from PIL import Image, ImageOps

    with opened(io.BytesIO(data), settings) as image:
        output = variant.format or (image.format or "PNG").lower()
        try:
            upright = ImageOps.exif_transpose(image)
        except UNREADABLE:
            raise unreadable() from None
    picture = _resized(_normalized(upright, output), variant, settings)
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    buffer = io.BytesIO()
    bare.save(buffer, format=output.upper(), **_save_options(output, variant, settings))
    return buffer.getvalue(), MEDIA_TYPES[output]


def _normalized(picture: Image.Image, output: str) -> Image.Image:
    from PIL import Image

    if output == "jpeg":  # no alpha in JPEG: transparent areas become white
        if picture.has_transparency_data:
            rgba = picture.convert("RGBA")
            white = Image.new("RGBA", rgba.size, "white")
            return Image.alpha_composite(white, rgba).convert("RGB")
        return picture if picture.mode in {"RGB", "L"} else picture.convert("RGB")
    if picture.mode in KEPT_MODES:
        return picture
    return picture.convert("RGBA" if picture.has_transparency_data else "RGB")


def _resized(picture: Image.Image, variant: Variant, settings: ImageSettings) -> Image.Image:
    from PIL import Image, ImageOps

    box = variant.resize_to_fit or variant.resize_to_fill
    if box is not None and box[0] * box[1] > settings.max_pixels:
        raise too_large(f"a {box[0]}x{box[1]} variant is over the limit of {settings.max_pixels}")
    resample = Image.Resampling.LANCZOS
    if variant.resize_to_limit is not None:
        picture.thumbnail(variant.resize_to_limit, resample)
        return picture
    if variant.resize_to_fit is not None:
        return ImageOps.contain(picture, variant.resize_to_fit, resample)
    if variant.resize_to_fill is not None:
        return ImageOps.fit(picture, variant.resize_to_fill, resample)
    return picture


def _save_options(output: str, variant: Variant, settings: ImageSettings) -> dict[str, Any]:
    quality = variant.quality or settings.quality
    if output == "jpeg":
        return {"quality": quality, "optimize": True, "progressive": True}
    if output == "webp":
        return {"quality": quality}
    return {"optimize": True} if output == "png" else {}
