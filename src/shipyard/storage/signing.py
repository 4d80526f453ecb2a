"""Signed, expiring links of the local backend, served by the framework.

A read token is the key, the expiry time, the download name and ``inline`` as JSON; an
upload token (a direct upload's PUT) the key, the expiry time, the exact size and the
content type. Each is signed with HMAC-SHA256 (itsdangerous, whose check is
constant-time) under a key derived from ``app.secret_key`` with a salt of its own: a
token cannot be made or changed without the secret, one kind is not accepted as the
other, and one made for something else (a session, a reset link) is not accepted.
Another subsystem signs links of its own with another ``salt`` and ``extra`` data (an
image variant's links carry the variant: ``shipyard.images``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from itsdangerous import BadSignature, URLSafeSerializer

from shipyard.storage.errors import InvalidKey, StorageError
from shipyard.storage.keys import check_key

SALT = "shipyard.storage.url.v1"
UPLOAD_SALT = ":upload"
"""Appended to the salt of an upload token."""
T = TypeVar("T")


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


@dataclass(frozen=True)
class UploadGrant:
    """What a verified upload link allows: writing ``size`` bytes of ``content_type`` to
    ``key`` until ``expires`` (Unix time)."""

    key: str
    expires: int
    size: int
    content_type: str


class UrlSigner:
    """Makes and checks the tokens of local-storage links, reads and direct uploads (or,
    with a ``salt`` of their own, of another kind of link)."""

    def __init__(
        self, secret: str, *, salt: str = SALT, clock: Callable[[], float] = time.time
    ) -> None:
        self._serializer, self._uploads = (
            URLSafeSerializer(secret, salt=salted, signer_kwargs={"digest_method": hashlib.sha256})
            for salted in (salt, salt + UPLOAD_SALT)
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
        grant = self._load(
            self._serializer,
            token,
            lambda payload: Grant(
                key=check_key(payload["k"]),
                expires=int(payload["e"]),
                filename=payload["f"] if isinstance(payload["f"], str) else None,
                inline=payload["i"] is True,
                extra=dict(payload.get("x") or {}),
            ),
        )
        self._check_expiry(grant.expires)
        return grant

    def sign_upload(self, key: str, *, expires_in: int, size: int, content_type: str) -> str:
        """A token for writing ``size`` bytes of ``content_type`` to ``key`` (once)."""
        expires = int(self._clock()) + expires_in
        payload = {"k": check_key(key), "e": expires, "s": size, "t": content_type}
        token: str = self._uploads.dumps(payload)
        return token

    def verify_upload(self, token: str) -> UploadGrant:
        """The grant of a genuine, unexpired upload token (else as :meth:`verify`)."""
        grant = self._load(
            self._uploads,
            token,
            lambda payload: UploadGrant(
                key=check_key(payload["k"]),
                expires=int(payload["e"]),
                size=int(payload["s"]),
                content_type=str(payload["t"]),
            ),
        )
        self._check_expiry(grant.expires)
        return grant

    @staticmethod
    def _load(serializer: URLSafeSerializer, token: str, read: Callable[[Any], T]) -> T:
        try:
            return read(serializer.loads(token))
        except (BadSignature, InvalidKey, KeyError, TypeError, ValueError) as error:
            raise BadLink(
                "this file link is not valid", hint="ask the page for a new link"
            ) from error

    def _check_expiry(self, expires: int) -> None:
        if expires < self._clock():
            raise ExpiredLink("this file link has expired", hint="reload the page for a new link")
