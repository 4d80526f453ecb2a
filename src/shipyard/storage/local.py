"""The local-disk backend, the default: files under the app's ``var/storage``.

An object is two files, ``<root>/ab/cd/<key>`` (its bytes) and ``<key>.json`` beside it
(type, checksum, metadata), each written to a temporary file and renamed into place, so
a reader never sees half an object. Its signed URLs point at the framework's own route
(:mod:`shipyard.storage.serve`) with a token from :class:`~.signing.UrlSigner`, and so
do its direct uploads: a signed ``PUT`` to the app that :meth:`LocalStorage.receive`
streams to disk, refused past the signed size or when the object is already there.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from anyio import to_thread

from shipyard.storage.base import Storage
from shipyard.storage.errors import InvalidKey, ObjectNotFound, StorageError
from shipyard.storage.keys import KEY, check_key
from shipyard.storage.objects import StoredObject
from shipyard.storage.presign import Checksum, UploadTarget
from shipyard.storage.signing import UrlSigner
from shipyard.storage.sources import Body


class ObjectExists(StorageError):
    """A direct upload to a key that already holds an object (a replayed upload link)."""

    status = 409


class LocalStorage(Storage):
    """Objects as files under ``root``; links signed by ``signer``, served under
    ``url_prefix``; direct uploads received under ``upload_prefix``."""

    name = "local"

    def __init__(
        self,
        root: Path,
        *,
        signer: UrlSigner,
        url_prefix: str = "/storage/files",
        upload_prefix: str = "/storage/uploads",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.root = Path(root).resolve()
        self.signer = signer
        self.url_prefix = url_prefix.rstrip("/")
        self.upload_prefix = upload_prefix.rstrip("/")

    def path(self, key: str) -> Path:
        """Where ``key``'s bytes are; :class:`InvalidKey` for anything but a generated key."""
        check_key(key)
        path = self.root / key[:2] / key[2:4] / key
        if not path.resolve().is_relative_to(self.root):  # a symlink planted in the tree
            raise InvalidKey(key)
        return path

    async def _put_one(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None:
        path = self.path(key)
        facts = {"content_type": content_type, "checksum": body.sha256, "metadata": metadata}
        await to_thread.run_sync(self._write, path, body.file, facts)

    def _write(self, path: Path, file: BinaryIO, facts: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _replace(_meta_path(path), lambda out: out.write(json.dumps(facts).encode()))
        file.seek(0)
        _replace(path, lambda out: shutil.copyfileobj(file, out, 1024 * 1024))

    async def _stream(self, key: str, chunk_size: int) -> AsyncIterator[bytes]:
        try:
            file = await to_thread.run_sync(self.path(key).open, "rb")
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        try:
            while chunk := await to_thread.run_sync(file.read, chunk_size):
                yield chunk
        finally:
            file.close()

    async def stream_range(
        self, key: str, start: int, length: int, *, chunk_size: int = 1024 * 1024
    ) -> AsyncIterator[bytes]:
        """``length`` bytes of ``key`` from ``start`` (a served range)."""
        try:
            file = await to_thread.run_sync(self.path(key).open, "rb")
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        try:
            await to_thread.run_sync(file.seek, start)
            while length > 0:
                chunk = await to_thread.run_sync(file.read, min(chunk_size, length))
                if not chunk:
                    return
                length -= len(chunk)
                yield chunk
        finally:
            file.close()

    async def _info(self, key: str) -> StoredObject:
        return await to_thread.run_sync(self._read_info, key)

    def _read_info(self, key: str) -> StoredObject:
        path = self.path(key)
        try:
            stat = path.stat()
            facts = json.loads(_meta_path(path).read_bytes())
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        return StoredObject(
            key=key,
            size=stat.st_size,
            content_type=facts["content_type"],
            checksum=facts["checksum"],
            metadata=facts["metadata"],
            last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    async def _delete(self, key: str) -> None:
        path = self.path(key)
        await to_thread.run_sync(_remove, path)

    async def _list(self, prefix: str) -> AsyncIterator[str]:
        keys = await to_thread.run_sync(lambda: sorted(self._keys(prefix)))
        for key in keys:
            yield key

    def _keys(self, prefix: str) -> Iterator[str]:
        first = prefix[:2] if len(prefix) >= 2 else "??"
        second = prefix[2:4] if len(prefix) >= 4 else "??"
        pattern = f"{first}/{second}/*"
        for path in self.root.glob(pattern):
            if KEY.fullmatch(path.name) and path.name.startswith(prefix):
                yield path.name

    async def _url(self, key: str, expires_in: int, filename: str | None, inline: bool) -> str:
        token = self.signer.sign(key, expires_in=expires_in, filename=filename, inline=inline)
        return f"{self.url_prefix}/{token}"

    async def _presign_upload(
        self, key: str, size: int, content_type: str, checksum: Checksum, expires_in: int
    ) -> UploadTarget:
        token = self.signer.sign_upload(
            key, expires_in=expires_in, size=size, content_type=content_type
        )
        return UploadTarget(f"{self.upload_prefix}/{token}", {"Content-Type": content_type})

    async def receive(self, token: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Store the body of a direct upload's ``PUT`` under the key its ``token`` signs.

        :class:`~.signing.BadLink`/:class:`~.signing.ExpiredLink` for a token that is not
        genuine or too old, :class:`ObjectExists` if the key holds an object already,
        :class:`~.sources.TooLarge` past the signed size (nothing is kept), and a
        :class:`StorageError` (400) for a body shorter than it.
        """
        grant = self.signer.verify_upload(token)
        if await self.exists(grant.key):
            raise ObjectExists("this upload link was used already", hint="upload the file again")
        stored = await self.put(
            chunks, key=grant.key, content_type=grant.content_type, max_size=grant.size
        )
        if stored.size != grant.size:
            await self.delete(grant.key)
            raise ShortUpload(f"{stored.size} bytes were sent, not {grant.size}")
        return stored


class ShortUpload(StorageError):
    """A direct upload's body shorter than the size it was signed for."""

    status = 400


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _replace(path: Path, write: Any) -> None:
    """Write ``path`` through a temporary file in its folder, renamed into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    _meta_path(path).unlink(missing_ok=True)
