"""The original name of an uploaded file, made safe to show (never used as a path).

The browser's name may carry directories (``../../etc/passwd``, ``C:\\Users\\x.png``),
control characters, bidirectional overrides that make ``evil\u202egnp.exe`` read as
``evilexe.png``, or nothing at all. :func:`safe_filename` keeps the last path component,
normalises it (NFC), drops control and format characters, trims dots and spaces at the
ends, and caps its length while keeping the extension. Storage keys never come from it.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 200
FALLBACK = "file"
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def safe_filename(raw: str | None, *, fallback: str = FALLBACK) -> str:
    """A display name for ``raw``: one path component, printable, at most 200 characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if _is_space(char) else char
        for char in name
        if _is_space(char) or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    name = " ".join(name.split()).strip(". ")
    if not name:
        return fallback
    if len(name) > MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16 and stem:
            name = f"{stem[: MAX_LENGTH - len(extension) - 1]}.{extension}"
        else:
            name = name[:MAX_LENGTH]
    return name


def _is_space(char: str) -> bool:
    return char in "\t\n\r" or unicodedata.category(char) == "Zs"
