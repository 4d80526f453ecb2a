"""Storage keys: random names the framework generates, so no path is ever user-controlled.

A key is 28 characters of ``[a-z0-9]`` (144 random bits), the shape of Active Storage's
keys: nothing in it can climb out of a folder (no ``/``, ``.`` or ``\\``), in any backend.
Every backend checks every key it is given with :func:`check_key`. A key
:func:`derived_key` makes from another (an image variant's, from its original's) starts
with the same :data:`FAMILY_LENGTH` characters, so ``list(family_prefix(key))`` finds
them all in every backend.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from shipyard.storage.errors import InvalidKey

KEY_LENGTH = 28
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
KEY = re.compile(rf"[a-z0-9]{{{KEY_LENGTH}}}")
KEY_PREFIX = re.compile(rf"[a-z0-9]{{0,{KEY_LENGTH}}}")
FAMILY_LENGTH = 16
"""The characters a derived key shares with its parent (82 random bits)."""


def _base36(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        digits.append(_ALPHABET[digit])
    return "".join(digits)


def new_key() -> str:
    """A fresh random key."""
    return _base36(secrets.token_bytes(18), KEY_LENGTH)


def derived_key(parent: str, label: str) -> str:
    """The key of ``label``'s object derived from ``parent`` (always the same one)."""
    digest = hashlib.sha256(f"{check_key(parent)}/{label}".encode()).digest()
    return parent[:FAMILY_LENGTH] + _base36(digest[:10], KEY_LENGTH - FAMILY_LENGTH)


def family_prefix(key: str) -> str:
    """The prefix ``key`` shares with the keys derived from it."""
    return check_key(key)[:FAMILY_LENGTH]


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
