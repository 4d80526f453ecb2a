"""What a file really is, from its bytes: the type, and whether its structure is sound.

The type comes from magic numbers (:func:`sniff`, with ``puremagic``: pure Python, a
signature database kept up to date), never from the client's ``Content-Type`` or the
file's extension. :func:`problems` then looks at the file's ends and, for images, its
content: a file cut short (no PNG ``IEND``, no JPEG end marker, no GIF trailer, no PDF
``%%EOF``, no ZIP directory), data hidden after an image's end, an archive appended to
a non-archive (a PDF or image that is also a ZIP), a GIF whose header doubles as
JavaScript (``GIF89a/*``), markup or PHP inside an image. Executables are recognised by
their headers whatever the name says.
"""

from __future__ import annotations

import re
from typing import BinaryIO

import puremagic

HEAD_SIZE = 8192
TAIL_SIZE = 65_557
"""A ZIP's end-of-directory record sits in the last 65 535 + 22 bytes."""
EMPTY = "application/x-empty"
BINARY = "application/octet-stream"
TEXT = "text/plain"

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O, both endians, 32 and 64 bits
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal (and Java classes)
    b"#!",  # scripts
)
EXECUTABLE = "application/x-executable"
_ZIP_BASED = re.compile(
    r"application/(zip|java-archive|epub\+zip|vnd\.openxmlformats-.*|vnd\.oasis\..*"
    r"|vnd\.android\.package-archive|x-zip-compressed)"
)
_MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|\?php)\b|javascript:", re.IGNORECASE)
_TEXT_MARKUP = (
    (re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg\b", re.I | re.S), "image/svg+xml"),
    (re.compile(rb"^\s*(<!doctype\s+html|<(html|head|body|script|iframe)\b)", re.I), "text/html"),
)
_SCAN_CHUNK = 1024 * 1024
_ZIP_ENTRY = re.compile(re.escape(b"PK\x03\x04"))


def sniff(head: bytes) -> str:
    """The media type of a file that starts with ``head`` (its first 8 KiB)."""
    if not head:
        return EMPTY
    if head.startswith(_EXECUTABLE_MAGIC) and not _is_java_class(head):
        return EXECUTABLE
    for pattern, media_type in _TEXT_MARKUP:
        if pattern.match(head):
            return media_type
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    for match in matches:
        if match.mime_type:
            return str(match.mime_type)
    return _text_type(head)


def _is_java_class(head: bytes) -> bool:
    # 0xCAFEBABE then a class-file major version (45+), not a Mach-O architecture count.
    return head.startswith(b"\xca\xfe\xba\xbe") and len(head) >= 8 and head[7] >= 45


def _text_type(head: bytes) -> str:
    sample = head[:-3] if len(head) == HEAD_SIZE else head  # a character cut at the end
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return BINARY
    return BINARY if b"\x00" in head else TEXT


def is_zip_based(media_type: str) -> bool:
    """True for ZIP and the formats built on it (Office documents, JAR, EPUB, APK)."""
    return _ZIP_BASED.fullmatch(media_type) is not None


def problems(file: BinaryIO, size: int, media_type: str) -> list[str]:
    """What is wrong with the structure of ``file`` (of ``media_type``); empty if sound."""
    if size == 0:
        return []
    found: list[str] = []
    file.seek(max(0, size - TAIL_SIZE))
    tail = file.read(TAIL_SIZE)
    file.seek(0)
    head = file.read(64)
    end_check = _END_CHECKS.get(media_type)
    if end_check is not None:
        found.extend(end_check(tail))
    if is_zip_based(media_type):
        if b"PK\x05\x06" not in tail:
            found.append("is truncated (its ZIP directory is missing)")
    elif b"PK\x05\x06" in tail and _contains(file, _ZIP_ENTRY):
        found.append("has a ZIP archive appended to it")
    if media_type == "image/gif" and head[6:8] == b"/*":
        found.append("is also JavaScript (a GIF/JS polyglot)")
    image = media_type.startswith("image/") and media_type != "image/svg+xml"
    if image and _contains(file, _MARKUP):
        found.append("contains markup or script")
    file.seek(0)
    return found


def _contains(file: BinaryIO, pattern: re.Pattern[bytes]) -> bool:
    """True if ``pattern`` occurs in ``file``, read 1 MiB at a time (matches of up to 16
    bytes across two reads are found too)."""
    file.seek(0)
    previous = b""
    while chunk := file.read(_SCAN_CHUNK):
        if pattern.search(previous[-16:] + chunk):
            return True
        previous = chunk
    return False


def _png_end(tail: bytes) -> list[str]:
    end = b"IEND\xaeB`\x82"
    if tail.endswith(end):
        return []
    return ["has data after its end"] if end in tail else ["is truncated (no PNG end chunk)"]


def _jpeg_end(tail: bytes) -> list[str]:
    return [] if tail.rstrip(b"\x00").endswith(b"\xff\xd9") else ["is truncated (no JPEG end)"]


def _gif_end(tail: bytes) -> list[str]:
    return [] if tail.rstrip(b"\x00").endswith(b";") else ["is truncated (no GIF trailer)"]


def _pdf_end(tail: bytes) -> list[str]:
    return [] if b"%%EOF" in tail[-1024:] else ["is truncated (no PDF %%EOF)"]


_END_CHECKS = {
    "image/png": _png_end,
    "image/jpeg": _jpeg_end,
    "image/gif": _gif_end,
    "application/pdf": _pdf_end,
}
