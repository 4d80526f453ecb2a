"""Byte ranges of a served file (RFC 9110, section 14): ``Range: bytes=...`` to a 206.

One range is served (``bytes=0-99``, ``bytes=100-``, ``bytes=-100``), clamped to the
file; a range that starts past the end is a 416. A request the server may answer whole
is answered whole: no or a malformed ``Range``, several ranges (a ``multipart/byteranges``
answer is rarely worth its cost), another unit, or an ``If-Range`` that no longer matches
the file's ``ETag``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import Headers

_SINGLE = re.compile(r"bytes=(\d*)-(\d*)")


class RangeNotSatisfiable(Exception):
    """The range starts past the end of the file (answer 416)."""


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes ``start`` to ``end`` inclusive of a file of ``size`` bytes."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


def requested_range(headers: Headers, size: int, etag: str) -> ByteRange | None:
    """The one range to serve, or None to serve the whole file (see the module)."""
    wanted = headers.get("range")
    if wanted is None:
        return None
    condition = headers.get("if-range")
    if condition is not None and condition.strip() != etag:
        return None
    found = _SINGLE.fullmatch(wanted.strip().replace(" ", ""))
    if found is None or found.group(1) == found.group(2) == "":
        return None
    first, last = found.group(1), found.group(2)
    if first == "":  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1, size)
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # invalid: ignored, as RFC 9110 allows
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, end, size)
