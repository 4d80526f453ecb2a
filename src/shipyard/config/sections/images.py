"""The ``images`` section: which images variants are made of, and how big they may be."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shipyard.config.sections.base import Section

ImageFormat = Literal["PNG", "JPEG", "WEBP", "GIF"]


class ImageSettings(Section):
    """Image variants (docs/images.md): accepted formats, size limits, output quality."""

    formats: list[ImageFormat] = Field(
        default=["PNG", "JPEG", "WEBP", "GIF"],
        min_length=1,
        description="The formats an image is read in (Pillow's names); anything else, "
        "such as TIFF or BMP, is refused without being decoded.",
    )
    max_pixels: int = Field(
        default=40_000_000,
        ge=1,
        le=178_956_970,
        description="Most pixels (width x height) of an image that is decoded (40 "
        "megapixels); a larger one is refused as a possible decompression bomb.",
    )
    max_dimension: int = Field(
        default=12_000,
        ge=1,
        description="Most pixels of an image's width or of its height.",
    )
    quality: int = Field(
        default=82,
        ge=1,
        le=100,
        description="JPEG and WebP quality of variants that do not give their own.",
    )
