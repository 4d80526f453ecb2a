"""Signed, expiring links to files of the local backend, served by the framework.

A token is the key, the expiry time, the download name and ``inline`` as JSON, signed
with HMAC-SHA256 (itsdangerous, whose check is constant-time) under a key derived from
``app.secret_key`` with its own salt: a token cannot be made or changed without the
secret, and one made for something else (a session, a reset link) is not accepted.
Another subsystem signs links of its own with another ``salt`` and ``extra`` data (an
image variant's links carry the variant: ``shipyard.images``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from shipyard.storage.errors import InvalidKey, StorageError
from shipyard.storage.keys import check_key

SALT = "shipyard.storage.url.v1"


class BadLink(StorageError):
    """A link that was forged, changed, or made with another secret."""

    status = 403


class ExpiredLink(StorageError):
    """A genuine link past its expiry time."""

    status = 403


@dataclass(frozen=True)
class Grant:
    """What a verified link allows: reading ``key`` until ``expires`` (Unix time)."""

    key: str
    expires: int
    filename: str | None
    inline: bool
    extra: Mapping[str, Any] = field(default_factory=dict)


class UrlSigner:
    """Makes and checks the tokens of local-storage links (or, with a ``salt`` of their
    own, of another kind of link)."""

    def __init__(
        self, secret: str, *, salt: str = SALT, clock: Callable[[], float] = time.time
    ) -> None:
        self._serializer = URLSafeSerializer(
            secret, salt=salt, signer_kwargs={"digest_method": hashlib.sha256}
        )
        self._clock = clock

    def sign(
        self,
        key: str,
        *,
        expires_in: int,
        filename: str | None,
        inline: bool,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """A token for reading ``key`` during the next ``expires_in`` seconds."""
        expires = int(self._clock()) + expires_in
        payload = {"k": check_key(key), "e": expires, "f": filename, "i": inline}
        if extra:
            payload["x"] = dict(extra)
        token: str = self._serializer.dumps(payload)
        return token

    def verify(self, token: str) -> Grant:
        """The grant of a genuine, unexpired token; :class:`BadLink` or :class:`ExpiredLink`."""
        try:
            payload: Any = self._serializer.loads(token)
            grant = Grant(
                key=check_key(payload["k"]),
                expires=int(payload["e"]),
                filename=payload["f"] if isinstance(payload["f"], str) else None,
                inline=payload["i"] is True,
                extra=dict(payload.get("x") or {}),
            )
        except (BadSignature, InvalidKey, KeyError, TypeError, ValueError) as error:
            raise BadLink(
                "this file link is not valid", hint="ask the page for a new link"
            ) from error
        if grant.expires < self._clock():
            raise ExpiredLink("this file link has expired", hint="reload the page for a new link")
        return grant
