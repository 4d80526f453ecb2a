"""``Content-Disposition`` for a download, safe for any filename (RFC 6266 and RFC 8187).

The ASCII ``filename=`` keeps letters, digits and ``._-`` (anything else becomes ``_``);
``filename*=`` carries the real name percent-encoded as UTF-8. Neither can end the
header or start another. Only types a browser cannot run as a page are shown inline:
anything else is always an attachment, so a stored HTML or SVG file is never rendered on
the app's origin.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

INLINE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "application/pdf",
        "text/plain",
        "video/mp4",
        "audio/mpeg",
    }
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def can_show_inline(content_type: str) -> bool:
    """True for the media types a browser displays without running them."""
    return content_type.split(";", 1)[0].strip().lower() in INLINE_TYPES


def content_disposition(filename: str | None, *, inline: bool = False) -> str:
    """The header value for a download named ``filename`` (or none)."""
    kind = "inline" if inline else "attachment"
    if not filename:
        return kind
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C")[:200]
    ascii_name = _UNSAFE.sub("_", name).strip("._") or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
