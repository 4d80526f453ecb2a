"""How entries travel to shared stores: JSON, with bytes as base64 (never pickle).

An entry read back from Redis or a table is data, never code: a compromised cache server
can hand the app wrong values but cannot make it run anything. Values are what JSON holds
(dicts with string keys, lists, strings, numbers, booleans, None) plus ``bytes``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "$b"


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"a cached value must be JSON or bytes, not {type(value).__name__}")


def _hook(value: dict[str, Any]) -> Any:
    if len(value) == 1 and _BYTES in value:
        return base64.b64decode(value[_BYTES])
    return value


def encode(value: Any) -> bytes:
    """``value`` as bytes; TypeError for what JSON cannot carry."""
    return json.dumps(value, default=_default, separators=(",", ":")).encode()


def decode(data: bytes | str) -> Any:
    """The value :func:`encode` made; ValueError for anything else."""
    return json.loads(data, object_hook=_hook)
