"""Real images made with Pillow for the images tests, hostile ones included."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

ORIENTATION = 0x0112
GPS_IFD = 0x8825
GPS_LATITUDE = 2


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def picture(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: which way is up shows after a rotation."""
    image = Image.new(mode, size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def png(size: tuple[int, int] = (40, 20)) -> bytes:
    return encoded(picture(size), "PNG")


def rotated_jpeg_with_gps() -> bytes:
    """A 40x20 JPEG whose EXIF says "rotate 90° clockwise to show" and where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD)[GPS_LATITUDE] = (48.0, 51.0, 30.0)
    exif.get_ifd(GPS_IFD)[1] = "N"
    return encoded(picture(), "JPEG", exif=exif.tobytes(), quality=95)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG of a few dozen bytes that declares width x height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + _chunk(b"IEND", b"")
    )


def bmp() -> bytes:
    return encoded(picture(), "BMP")


def tiff() -> bytes:
    return encoded(picture(), "TIFF")
