"""How entries travel to shared stores: JSON, with a few scalar types tagged (never pickle).

An entry read back from Redis or a table is data, never code: a compromised cache server
can hand the app wrong values but cannot make it run anything. Values are what JSON holds
(dicts with string keys, lists, strings, numbers, booleans, None) plus ``bytes``,
``datetime``, ``date``, ``Decimal`` and ``UUID`` (what database rows hold), each written
as a one-key object (``{"$dt": "2026-12-07T07:20:00+00:00"}``) and read back as itself.

Bytes (a cached response's body) travel beside the JSON, not inside it: a value holding
any is framed as :data:`FRAMED`, the JSON's length and the JSON, then each byte string
with its length, the JSON pointing at them as ``{"$r": <index>}``. Base64 inside the JSON
cost a Redis cache hit more than the rest of reading it (~15 us for a 3 KB body). Entries
written as plain JSON, ``{"$b": <base64>}`` included, still read back. A value's own
one-key dict shaped like a tag (``{"$dt": <ISO text>}``, ``{"$r": <index of a byte
string of the value>}``) reads back as what the tag stands for.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_BYTES = "$b"
_RAW = "$r"
FRAMED = b"\x00SYC"
"""The first bytes of a framed value (never the start of JSON)."""
_LENGTH = 4
_WRITERS: tuple[tuple[type, str, Callable[[Any], str]], ...] = (
    (datetime, "$dt", datetime.isoformat),  # before date: a datetime is a date
    (date, "$d", date.isoformat),
    (Decimal, "$dec", str),
    (uuid.UUID, "$u", str),
)
_READERS: dict[str, Callable[[str], Any]] = {
    "$dt": datetime.fromisoformat,
    "$d": date.fromisoformat,
    "$dec": Decimal,
    "$u": uuid.UUID,
}


def _default(value: Any) -> Any:
    for kind, tag, write in _WRITERS:
        if isinstance(value, kind):
            return {tag: write(value)}
    raise TypeError(
        f"a cached value must be JSON, bytes, a date, datetime, Decimal or UUID, "
        f"not {type(value).__name__}"
    )


def _hook(value: dict[str, Any], blobs: list[bytes] | None = None) -> Any:
    if len(value) == 1:
        [(tag, text)] = value.items()
        if tag == _RAW and blobs is not None and type(text) is int and 0 <= text < len(blobs):
            return blobs[text]
        if tag == _BYTES and isinstance(text, str):
            return base64.b64decode(text)
        read = _READERS.get(tag)
        if read is not None and isinstance(text, str):
            try:
                return read(text)
            except ArithmeticError as error:  # Decimal's InvalidOperation
                raise ValueError(f"not a {tag} value: {text!r}") from error
    return value


def encode(value: Any) -> bytes:
    """``value`` as bytes (framed when it holds bytes); TypeError for what it cannot carry."""
    blobs: list[bytes] = []

    def default(item: Any) -> Any:
        if isinstance(item, bytes | bytearray | memoryview):
            blobs.append(bytes(item))
            return {_RAW: len(blobs) - 1}
        return _default(item)

    text = json.dumps(value, default=default, separators=(",", ":")).encode()
    if not blobs:
        return text
    parts = [FRAMED, _length(text), text]
    for blob in blobs:
        parts += (_length(blob), blob)
    return b"".join(parts)


def _length(data: bytes) -> bytes:
    return len(data).to_bytes(_LENGTH, "big")


def decode(data: bytes | str) -> Any:
    """The value :func:`encode` made; ValueError for anything else."""
    if isinstance(data, str) or not data.startswith(FRAMED):
        return json.loads(data, object_hook=_hook)
    view = memoryview(data)
    offset = len(FRAMED)
    chunks: list[bytes] = []
    while offset < len(view):
        size = int.from_bytes(view[offset : offset + _LENGTH], "big")
        start = offset + _LENGTH
        if start + size > len(view):
            raise ValueError("a framed cache value is cut short")
        chunks.append(bytes(view[start : start + size]))
        offset = start + size
    if not chunks:
        raise ValueError("a framed cache value has no JSON")
    text, blobs = chunks[0], chunks[1:]
    return json.loads(text, object_hook=lambda value: _hook(value, blobs))
