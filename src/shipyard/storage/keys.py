"""Storage keys: random names the framework generates, so no path is ever user-controlled.

A key is 28 characters of ``[a-z0-9]`` (144 random bits), the shape of Active Storage's
keys: nothing in it can climb out of a folder (no ``/``, ``.`` or ``\\``), in any backend.
Every backend checks every key it is given with :func:`check_key`.
"""

from __future__ import annotations

import re
import secrets

from shipyard.storage.errors import InvalidKey

KEY_LENGTH = 28
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
KEY = re.compile(rf"[a-z0-9]{{{KEY_LENGTH}}}")
KEY_PREFIX = re.compile(rf"[a-z0-9]{{0,{KEY_LENGTH}}}")


def new_key() -> str:
    """A fresh random key."""
    number = int.from_bytes(secrets.token_bytes(18), "big")
    digits = []
    for _ in range(KEY_LENGTH):
        number, digit = divmod(number, 36)
        digits.append(_ALPHABET[digit])
    return "".join(digits)


def check_key(key: str) -> str:
    """``key`` if the framework could have generated it; :class:`InvalidKey` if not."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise InvalidKey(str(key))
    return key


def check_prefix(prefix: str) -> str:
    """``prefix`` if it is the start of a key (for ``list``); :class:`InvalidKey` if not."""
    if not KEY_PREFIX.fullmatch(prefix):
        raise InvalidKey(prefix)
    return prefix
