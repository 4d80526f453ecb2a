"""The one interface every store implements: :class:`Storage`.

``put`` takes bytes, a binary file or an async stream, generates the key (or checks one
given), and returns a :class:`~shipyard.storage.objects.StoredObject` with the size and
SHA-256; data over ``multipart_threshold`` bytes goes in parts of ``part_size``.
``get``/``stream`` read an object back, ``info`` its facts, ``exists``, ``delete`` (a
missing object is not an error), ``list`` keys by prefix, ``url`` a signed link that
expires, ``presign_upload`` a request through which a client sends a file itself (a
direct upload). Backends implement the ``_``-prefixed steps; the checks on keys, content types
and metadata happen here, once, for all of them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping

from shipyard.storage.errors import ObjectNotFound
from shipyard.storage.keys import check_key, check_prefix, new_key
from shipyard.storage.objects import StoredObject, check_content_type, check_metadata
from shipyard.storage.presign import Checksum, UploadTarget
from shipyard.storage.sources import CHUNK, Body, Source, prepare

MIB = 1024 * 1024


class Storage(ABC):
    """A place to keep files: local disk, S3, Azure Blob Storage."""

    name: str = ""

    def __init__(
        self,
        *,
        url_expires: int = 300,
        multipart_threshold: int = 16 * MIB,
        part_size: int = 8 * MIB,
    ) -> None:
        self.url_expires = url_expires
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size

    async def put(
        self,
        source: Source,
        *,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
        key: str | None = None,
        max_size: int | None = None,
    ) -> StoredObject:
        """Store ``source`` under a new key (or ``key``, one :func:`new_key` made)."""
        key = new_key() if key is None else check_key(key)
        content_type = check_content_type(content_type)
        checked = check_metadata(metadata)
        body = await prepare(source, max_size=max_size)
        try:
            if body.size > self.multipart_threshold:
                await self._put_parts(key, body, content_type, checked)
            else:
                await self._put_one(key, body, content_type, checked)
        finally:
            body.close()
        return StoredObject(key, body.size, content_type, body.sha256, checked)

    async def get(self, key: str) -> bytes:
        """The whole object (for small ones: prefer :meth:`stream`)."""
        return b"".join([chunk async for chunk in self.stream(key)])

    def stream(self, key: str, *, chunk_size: int = CHUNK) -> AsyncIterator[bytes]:
        """The object's bytes, chunk by chunk; :class:`ObjectNotFound` if there is none."""
        return self._stream(check_key(key), chunk_size)

    async def info(self, key: str) -> StoredObject:
        """The object's size, type, checksum and metadata; :class:`ObjectNotFound` if none."""
        return await self._info(check_key(key))

    async def exists(self, key: str) -> bool:
        """True if an object is stored under ``key``."""
        try:
            await self.info(key)
        except ObjectNotFound:
            return False
        return True

    async def delete(self, key: str) -> None:
        """Delete the object; deleting what is not there is not an error."""
        await self._delete(check_key(key))

    def list(self, prefix: str = "") -> AsyncIterator[str]:
        """Every key that starts with ``prefix``, in no promised order."""
        return self._list(check_prefix(prefix))

    async def url(
        self,
        key: str,
        *,
        expires_in: int | None = None,
        filename: str | None = None,
        inline: bool = False,
    ) -> str:
        """A signed URL that serves the object for ``expires_in`` seconds.

        ``filename`` names the download (``Content-Disposition``); ``inline`` asks the
        browser to show it rather than save it. The URL does not check that the object
        exists.
        """
        return await self._url(check_key(key), self._seconds(expires_in), filename, inline)

    async def presign_upload(
        self,
        key: str,
        *,
        size: int,
        content_type: str,
        checksum: Checksum,
        expires_in: int | None = None,
    ) -> UploadTarget:
        """A request through which a client stores ``size`` bytes under ``key`` itself.

        The request must start within ``expires_in`` seconds. It cannot replace an
        object already there (``If-None-Match: *``). What the store checks on the way
        in varies (S3: the length, type and checksum; Azure: an MD5; local disk: the
        length): whoever made the key checks the object afterwards, whatever the store.
        """
        if size < 0:
            raise ValueError("a size is never negative")
        return await self._presign_upload(
            check_key(key),
            size,
            check_content_type(content_type),
            checksum,
            self._seconds(expires_in),
        )

    def _seconds(self, expires_in: int | None) -> int:
        seconds = self.url_expires if expires_in is None else expires_in
        if seconds < 1:
            raise ValueError("a signed URL must be valid for at least one second")
        return seconds

    async def close(self) -> None:  # noqa: B027  # most backends hold nothing to close
        """Release connections and threads."""

    # -- what a backend implements ------------------------------------------------------

    @abstractmethod
    async def _put_one(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None: ...

    async def _put_parts(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None:
        await self._put_one(key, body, content_type, metadata)

    @abstractmethod
    def _stream(self, key: str, chunk_size: int) -> AsyncIterator[bytes]: ...

    @abstractmethod
    async def _info(self, key: str) -> StoredObject: ...

    @abstractmethod
    async def _delete(self, key: str) -> None: ...

    @abstractmethod
    def _list(self, prefix: str) -> AsyncIterator[str]: ...

    @abstractmethod
    async def _url(self, key: str, expires_in: int, filename: str | None, inline: bool) -> str: ...

    @abstractmethod
    async def _presign_upload(
        self, key: str, size: int, content_type: str, checksum: Checksum, expires_in: int
    ) -> UploadTarget: ...
