"""What a direct upload needs from a store: a :class:`Checksum` and an :class:`UploadTarget`.

A browser sends a file straight to the store through a presigned request that the app
made (:meth:`shipyard.storage.Storage.presign_upload`): the URL, the method and the
headers to send with the bytes. The checksum the client declares is an MD5 (16 bytes,
what S3's ``Content-MD5`` and Azure check) or a SHA-256 (32 bytes, S3's
``x-amz-checksum-sha256``), base64-encoded as those headers carry it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import Literal

from shipyard.storage.errors import InvalidObject

Algorithm = Literal["md5", "sha256"]
_ALGORITHMS: dict[int, Algorithm] = {16: "md5", 32: "sha256"}


@dataclass(frozen=True)
class Checksum:
    """A digest a client declared for the bytes it is about to send."""

    algorithm: Algorithm
    digest: bytes

    @classmethod
    def parse(cls, text: str) -> Checksum:
        """The checksum of base64 ``text`` (an MD5 or a SHA-256, told apart by length)."""
        try:
            digest = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            digest = b""
        algorithm = _ALGORITHMS.get(len(digest))
        if algorithm is None:
            raise InvalidObject(
                "a checksum is the base64 of an MD5 or a SHA-256 digest",
                hint="hash the file in the browser and send the digest in base64",
            )
        return cls(algorithm, digest)

    @property
    def base64(self) -> str:
        """The digest as base64 (the form of ``Content-MD5`` and ``x-amz-checksum-*``)."""
        return base64.b64encode(self.digest).decode()

    def hasher(self) -> hashlib._Hash:
        """A fresh hasher of this checksum's algorithm."""
        return hashlib.new(self.algorithm)


@dataclass(frozen=True)
class UploadTarget:
    """Where a client sends a file's bytes: ``method`` ``url`` with ``headers``."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "PUT"
