"""The session cookie's signature: itsdangerous ``TimestampSigner``'s format, computed lean.

A cookie value is ``<id>.<timestamp>.<signature>``. The timestamp is the signing time in
whole seconds (big-endian bytes, base64url without padding); the signature is
``base64url(HMAC-SHA256(key, "<id>.<timestamp>"))`` with
``key = SHA256(salt + b"signer" + secret_key)``. That is exactly what
``itsdangerous.TimestampSigner(secret_key, salt=salt, digest_method=hashlib.sha256)``
issues and accepts, so cookies signed by either stay valid across an upgrade.

Every request that asks for its session verifies its cookie, so the work is kept to the
HMAC itself: the key is derived once per settings snapshot (itsdangerous derives it on
each call) and the signature is compared in constant time before anything else is decoded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

SEPARATOR = "."


class CookieSigner:
    """Signs and verifies timestamped values with one secret key and salt."""

    def __init__(self, secret_key: str, salt: str) -> None:
        key = hashlib.sha256(salt.encode() + b"signer" + secret_key.encode()).digest()
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def _signature(self, signed: str) -> bytes:
        mac = self._keyed.copy()  # the key's pads are hashed once, here
        mac.update(signed.encode())
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")

    def sign(self, value: str, now: float | None = None) -> str:
        """``value`` with the current time (or ``now``) and a signature over both."""
        seconds = int(time.time() if now is None else now)
        stamp = _encode(seconds.to_bytes((seconds.bit_length() + 7) // 8, "big"))
        signed = f"{value}{SEPARATOR}{stamp}"
        return f"{signed}{SEPARATOR}{self._signature(signed).decode()}"

    def unsign(self, signed: str, max_age: int, now: float | None = None) -> str | None:
        """The value inside ``signed``; None if it is forged, malformed or over ``max_age``
        seconds old (or from the future)."""
        body, separator, signature = signed.rpartition(SEPARATOR)
        if not separator:
            return None
        try:
            given = signature.encode("ascii")
        except UnicodeEncodeError:
            return None
        if not hmac.compare_digest(given, self._signature(body)):
            return None
        value, separator, stamp = body.rpartition(SEPARATOR)
        if not separator:
            return None
        try:
            issued = int.from_bytes(_decode(stamp), "big")
        except (ValueError, binascii.Error):
            return None
        age = int(time.time() if now is None else now) - issued
        return value if 0 <= age <= max_age else None


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
