"""Provider tokens encrypted at rest: Fernet under a key derived from ``app.secret_key``.

HKDF-SHA256 derives the Fernet key from the app secret with a label of its own, so the
key opens nothing else and a database dump alone reveals no token. Rotating
``app.secret_key`` makes stored tokens unreadable: they read as absent (the user signs
in again with the provider, which stores new ones).
"""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"shipyard.oauth.tokens.v1"


@cache
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal_tokens(secret_key: str, tokens: dict[str, Any]) -> str:
    """``tokens`` as an encrypted, authenticated string."""
    return _fernet(secret_key).encrypt(json.dumps(tokens).encode()).decode()


def open_tokens(secret_key: str, sealed: str | None) -> dict[str, Any]:
    """The tokens sealed in ``sealed``; empty when absent or not sealed with this key."""
    if not sealed:
        return {}
    try:
        value = json.loads(_fernet(secret_key).decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
