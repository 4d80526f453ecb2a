"""Rendering variants with Pillow: orientation, metadata, resizing, hostile images refused."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from PIL import Image
from pydantic import ValidationError
from tests.images.pictures import bmp, bomb_png, png, rotated_jpeg_with_gps, tiff

from shipyard.config.models import ImageSettings
from shipyard.images import ImageRefused, Variant, inspect_image, render, variant_key
from shipyard.storage import family_prefix, new_key

SETTINGS = ImageSettings()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_exif_orientation_is_applied_and_every_metadata_is_stripped() -> None:
    original = rotated_jpeg_with_gps()
    source = opened(original)
    assert source.getexif()[0x0112] == 6
    assert source.getexif().get_ifd(0x8825)  # the GPS position is there
    data, media_type = render(original, Variant(), SETTINGS)
    result = opened(data)
    assert media_type == "image/jpeg"
    assert result.size == (20, 40)  # upright: the 40x20 picture turned a quarter
    top, bottom = result.getpixel((10, 5)), result.getpixel((10, 35))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 200 > top[2]  # red on top, where the left half went
    assert bottom[2] > 200 > bottom[0]
    assert len(result.getexif()) == 0
    assert "exif" not in result.info
    assert b"Exif" not in data
    assert b"GPS" not in data


@pytest.mark.parametrize(
    ("variant", "size"),
    [
        (Variant(resize_to_limit=(20, 20)), (20, 10)),
        (Variant(resize_to_limit=(400, 400)), (40, 20)),  # never enlarged
        (Variant(resize_to_fit=(80, 80)), (80, 40)),  # enlarged to fit
        (Variant(resize_to_fill=(16, 16)), (16, 16)),  # cropped to fill
    ],
)
def test_resizing(variant: Variant, size: tuple[int, int]) -> None:
    data, _ = render(png(), variant, SETTINGS)
    assert opened(data).size == size


@pytest.mark.parametrize(
    ("output", "media_type", "pillow_format"),
    [
        ("webp", "image/webp", "WEBP"),
        ("jpeg", "image/jpeg", "JPEG"),
        ("gif", "image/gif", "GIF"),
        ("png", "image/png", "PNG"),
    ],
)
def test_output_formats(output: str, media_type: str, pillow_format: str) -> None:
    transparent = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    data, found = render(
        encoded_png(transparent), Variant.model_validate({"format": output}), SETTINGS
    )
    assert found == media_type
    assert opened(data).format == pillow_format


def encoded_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = bomb_png()
    assert len(bomb) < 100
    with pytest.raises(ImageRefused, match="too large") as refused:
        render(bomb, Variant(resize_to_limit=(10, 10)), SETTINGS)
    assert refused.value.status == 422


def test_the_settings_limit_pixels_and_sides() -> None:
    with pytest.raises(ImageRefused, match="40x20 pixels is over the limit of 500") as refused:
        inspect_image(io.BytesIO(png()), ImageSettings(max_pixels=500))
    assert refused.value.status == 422
    with pytest.raises(ImageRefused, match="a side of 40 pixels"):
        inspect_image(io.BytesIO(png()), ImageSettings(max_dimension=39))
    with pytest.raises(ImageRefused, match="a 100x100 variant"):
        render(png(), Variant(resize_to_fill=(100, 100)), ImageSettings(max_pixels=5000))


@pytest.mark.parametrize("data", [bmp(), tiff(), b"%PDF-1.4 not an image"])
def test_formats_outside_the_list_are_refused(data: bytes) -> None:
    with pytest.raises(ImageRefused, match="not an image in an accepted format") as refused:
        render(data, Variant(), SETTINGS)
    assert refused.value.status == 415


def test_the_list_of_formats_is_a_setting() -> None:
    only_png = ImageSettings(formats=["PNG"])
    assert inspect_image(io.BytesIO(png()), only_png).media_type == "image/png"
    with pytest.raises(ImageRefused, match=r"accepted format \(PNG\)"):
        inspect_image(io.BytesIO(rotated_jpeg_with_gps()), only_png)


def test_a_truncated_image_is_refused() -> None:
    data = rotated_jpeg_with_gps()
    with pytest.raises(ImageRefused, match="truncated or corrupt") as refused:
        render(data[: len(data) // 2], Variant(), SETTINGS)
    assert refused.value.status == 422


def test_inspecting_reads_the_header_and_rewinds() -> None:
    file = io.BytesIO(png((30, 12)))
    facts = inspect_image(file, SETTINGS)
    assert (facts.format, facts.width, facts.height) == ("PNG", 30, 12)
    assert file.tell() == 0


def test_a_variant_resizes_one_way_at_most() -> None:
    with pytest.raises(ValidationError, match="at most one way"):
        Variant(resize_to_fit=(10, 10), resize_to_fill=(10, 10))
    with pytest.raises(ValidationError):
        Variant(resize_to_fill=(0, 10))


def test_variant_keys_are_stable_and_in_their_original_family() -> None:
    key = new_key()
    thumb = Variant(resize_to_fill=(200, 200))
    assert variant_key(key, thumb) == variant_key(key, Variant(resize_to_fill=(200, 200)))
    assert variant_key(key, thumb) != variant_key(key, Variant(resize_to_fill=(100, 100)))
    assert variant_key(key, thumb).startswith(family_prefix(key))
    assert variant_key(key, thumb) != key


def test_pillow_is_imported_only_when_an_image_is_read() -> None:
    """An app that never reads an image does not load Pillow in its workers."""
    code = (
        "import sys, shipyard.app, shipyard.images; "
        "assert 'PIL.Image' not in sys.modules, 'PIL imported with the app'; "
        "from shipyard.images.processing import inspect_image; "
        "assert 'PIL.Image' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
