"""How entries travel to shared stores: JSON, with a few scalar types tagged (never pickle).

An entry read back from Redis or a table is data, never code: a compromised cache server
can hand the app wrong values but cannot make it run anything. Values are what JSON holds
(dicts with string keys, lists, strings, numbers, booleans, None) plus ``bytes``,
``datetime``, ``date``, ``Decimal`` and ``UUID`` (what database rows hold), each written
as a one-key object (``{"$dt": "2026-12-07T07:20:00+00:00"}``) and read back as itself.
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
    if isinstance(value, bytes | bytearray | memoryview):
        return {_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    for kind, tag, write in _WRITERS:
        if isinstance(value, kind):
            return {tag: write(value)}
    raise TypeError(
        f"a cached value must be JSON, bytes, a date, datetime, Decimal or UUID, "
        f"not {type(value).__name__}"
    )


def _hook(value: dict[str, Any]) -> Any:
    if len(value) == 1:
        [(tag, text)] = value.items()
        if tag == _BYTES:
            return base64.b64decode(text)
        read = _READERS.get(tag)
        if read is not None and isinstance(text, str):
            try:
                return read(text)
            except ArithmeticError as error:  # Decimal's InvalidOperation
                raise ValueError(f"not a {tag} value: {text!r}") from error
    return value


def encode(value: Any) -> bytes:
    """``value`` as bytes; TypeError for what it cannot carry."""
    return json.dumps(value, default=_default, separators=(",", ":")).encode()


def decode(data: bytes | str) -> Any:
    """The value :func:`encode` made; ValueError for anything else."""
    return json.loads(data, object_hook=_hook)
