"""What ``put`` accepts (bytes, a binary file, an async stream of bytes) made one thing.

Before a backend sends anything, the data becomes a :class:`Body`: a seekable file with
its size and SHA-256 known, so a backend can choose one request or a multipart upload by
size and send the checksum up front (S3 verifies it; metadata carries it). Bytes are
wrapped, a file is hashed where it lies (read from its start, 1 MiB at a time, in a
thread), and an async stream is spooled to a temporary file as it is hashed (in memory
up to 1 MiB, on disk beyond). Backends then read it a part at a time.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import BinaryIO, TypeVar, cast

import anyio
from anyio import to_thread

from shipyard.storage.errors import StorageError

Source = bytes | bytearray | memoryview | BinaryIO | AsyncIterable[bytes]
CHUNK = 1024 * 1024
PARALLEL_PARTS = 4
T = TypeVar("T")


class TooLarge(StorageError):
    """Data over the ``max_size`` given to ``put``."""

    status = 413


@dataclass
class Body:
    """Data ready to store: a seekable ``file`` of ``size`` bytes whose SHA-256 is ``sha256``."""

    file: BinaryIO
    size: int
    sha256: str
    owned: bool = False

    async def chunks(self, size: int = CHUNK) -> AsyncIterator[bytes]:
        """The data from its start, ``size`` bytes at a time (the last one shorter)."""
        await to_thread.run_sync(self.file.seek, 0)
        while chunk := await to_thread.run_sync(self.file.read, size):
            yield chunk

    async def send_parts(
        self,
        part_size: int,
        send: Callable[[int, bytes], Awaitable[T]],
        *,
        parallel: int = PARALLEL_PARTS,
    ) -> list[T]:
        """``send(number, part)`` for each part (numbered from 1), ``parallel`` at a time.

        Parts are read in order, at most ``parallel`` of them in memory; the results come
        back in part order. The first failure cancels the rest and is raised as itself.
        """
        results: dict[int, T] = {}
        slots = anyio.Semaphore(parallel)

        async def one(number: int, part: bytes) -> None:
            try:
                results[number] = await send(number, part)
            finally:
                slots.release()

        try:
            async with anyio.create_task_group() as group:
                number = 0
                async for part in self.chunks(part_size):
                    number += 1
                    await slots.acquire()
                    group.start_soon(one, number, part)
        except BaseExceptionGroup as group_error:
            raise group_error.exceptions[0] from None
        return [results[number] for number in sorted(results)]

    def close(self) -> None:
        """Delete the spooled copy, if this body made one."""
        if self.owned:
            self.file.close()


async def prepare(source: Source, *, max_size: int | None = None) -> Body:
    """``source`` as a :class:`Body`; :class:`TooLarge` past ``max_size`` bytes."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        body = Body(io.BytesIO(data), len(data), hashlib.sha256(data).hexdigest(), owned=True)
    elif hasattr(source, "read"):
        body = await to_thread.run_sync(_hash_file, cast(BinaryIO, source), max_size)
    elif isinstance(source, AsyncIterable):
        body = await _spool(source, max_size)
    else:
        raise TypeError(f"cannot store a {type(source).__name__}: give bytes, a file or chunks")
    _check_size(body.size, max_size, body)
    return body


def _check_size(size: int, max_size: int | None, body: Body | None = None) -> None:
    if max_size is not None and size > max_size:
        if body is not None:
            body.close()
        raise TooLarge(
            f"the data is over the {max_size} bytes allowed",
            hint="refuse it earlier (Upload(max_size=...)) or raise max_size",
        )


def _hash_file(file: BinaryIO, max_size: int | None) -> Body:
    hasher = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        hasher.update(chunk)
        size += len(chunk)
        _check_size(size, max_size)
    file.seek(0)
    return Body(file, size, hasher.hexdigest())


async def _spool(chunks: AsyncIterable[bytes], max_size: int | None) -> Body:
    spooled: BinaryIO = tempfile.SpooledTemporaryFile(max_size=CHUNK)  # type: ignore[assignment]  # noqa: SIM115  # Body owns it
    hasher = hashlib.sha256()
    size = 0
    try:
        async for chunk in chunks:
            hasher.update(chunk)
            size += len(chunk)
            _check_size(size, max_size)
            await to_thread.run_sync(spooled.write, chunk)
    except BaseException:
        spooled.close()
        raise
    return Body(spooled, size, hasher.hexdigest(), owned=True)
