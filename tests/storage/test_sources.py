"""What ``put`` accepts, made one body: sizes, hashes, limits, parts sent in parallel."""

from __future__ import annotations

import hashlib
import io

import anyio
import pytest

from shipyard.storage import StorageError, TooLarge
from shipyard.storage.sources import prepare


async def test_parts_are_sent_in_parallel_and_come_back_in_order() -> None:
    data = bytes(range(256)) * 40  # 10 240 bytes: parts of 1000, the last of 240
    body = await prepare(io.BytesIO(data))
    running = 0
    most = 0

    async def send(number: int, part: bytes) -> tuple[int, bytes]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await anyio.sleep(0.01 * (11 - number))  # later parts finish first
        running -= 1
        return number, part

    results = await body.send_parts(1000, send, parallel=3)
    assert [number for number, _ in results] == list(range(1, 12))
    assert b"".join(part for _, part in results) == data
    assert most == 3


async def test_the_first_failure_is_raised_as_itself() -> None:
    body = await prepare(b"x" * 5000)

    async def send(number: int, part: bytes) -> int:
        if number == 2:
            raise StorageError("part 2 was refused")
        await anyio.sleep(1)
        return number

    with pytest.raises(StorageError, match="part 2 was refused"):
        await body.send_parts(1000, send)


async def test_a_body_knows_its_size_and_hash() -> None:
    body = await prepare(bytearray(b"abc"))
    assert (body.size, body.sha256) == (3, hashlib.sha256(b"abc").hexdigest())
    with pytest.raises(TooLarge):
        await prepare(b"abcd", max_size=3)
    with pytest.raises(TypeError, match="give bytes, a file or chunks"):
        await prepare(42)  # type: ignore[arg-type]
