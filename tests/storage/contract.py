"""The behaviour every :class:`~shipyard.storage.Storage` backend must have.

Subclass :class:`StorageContract` in a ``test_*.py`` module and give it two fixtures:
``make_storage``, an async function taking backend options (``multipart_threshold``,
``part_size``...) and returning a fresh, empty store, and ``fetch``, an async function
that GETs a URL the store signed and returns the ``httpx.Response``::

    class TestLocal(StorageContract):
        @pytest.fixture
        def make_storage(self, tmp_path) -> StorageFactory: ...

        @pytest.fixture
        def fetch(self, ...) -> Fetch: ...

The suite covers put from bytes, files and async streams (checksum and size computed
on the way), metadata, multipart uploads of large data, get/stream/info/exists/delete,
list by prefix, signed URLs, and the hostile cases: keys that try to name a path,
headers smuggled in a content type or metadata, data over ``max_size``.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from shipyard.storage import (
    InvalidKey,
    InvalidObject,
    ObjectNotFound,
    Storage,
    TooLarge,
    check_key,
    new_key,
)

StorageFactory = Callable[..., Awaitable[Storage]]
Fetch = Callable[[str], Awaitable[httpx.Response]]

MIB = 1024 * 1024
HOSTILE_KEYS = [
    "../../../etc/passwd",
    "/etc/passwd",
    "..",
    "ab/../../secret",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2fetc%2fpasswd",
    "a" * 27 + "/",
    "A" * 28,
    "a" * 27 + "\x00",
    "a" * 27 + "\u0430",  # Cyrillic a
    "a" * 29,
    "",
]


def _flip(text: str) -> str:
    # The first character of a base64 signature carries six bits that always count.
    return ("B" if text[0] == "A" else "A") + text[1:]


def tampered(url: str) -> str:
    """``url`` with its signature changed: a SAS ``sig``, SigV4's ``X-Amz-Signature``, or
    the signature after the last ``.`` of a local token."""
    parts = urlsplit(url)
    if parts.query:
        query = [
            (name, _flip(value) if name.lower() in {"sig", "x-amz-signature"} else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))
    head, _, signature = url.rpartition(".")
    return f"{head}.{_flip(signature)}"


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


class StorageContract:
    """The shared suite; subclasses provide ``make_storage`` and ``fetch``."""

    checks_signatures = True
    """False for an emulator that serves any presigned URL (moto does not check them)."""

    @pytest.fixture
    async def storage(self, make_storage: StorageFactory) -> AsyncIterator[Storage]:
        store = await make_storage()
        try:
            yield store
        finally:
            await store.close()

    # -- put and read back -----------------------------------------------------------

    async def test_put_bytes_and_read_them_back(self, storage: Storage) -> None:
        data = b"\x89PNG and some bytes \x00\xff" * 10
        stored = await storage.put(data, content_type="image/png", metadata={"origin": "test"})
        assert check_key(stored.key) == stored.key
        assert (stored.size, stored.checksum) == (len(data), hashlib.sha256(data).hexdigest())
        assert await storage.get(stored.key) == data
        info = await storage.info(stored.key)
        assert (info.key, info.size, info.content_type) == (stored.key, len(data), "image/png")
        assert info.checksum == stored.checksum
        assert dict(info.metadata) == {"origin": "test"}
        assert info.last_modified is not None

    async def test_put_a_file_reads_it_from_its_start(self, storage: Storage) -> None:
        data = os.urandom(300_000)
        file = io.BytesIO(data)
        file.seek(1234)
        stored = await storage.put(file)
        assert stored.size == len(data)
        assert await storage.get(stored.key) == data
        assert (await storage.info(stored.key)).content_type == "application/octet-stream"

    async def test_put_an_async_stream(self, storage: Storage) -> None:
        data = os.urandom(50_000)
        stored = await storage.put(chunks(data), content_type="text/plain; charset=utf-8")
        assert stored.checksum == hashlib.sha256(data).hexdigest()
        assert await storage.get(stored.key) == data
        assert (await storage.info(stored.key)).content_type == "text/plain; charset=utf-8"

    async def test_an_empty_object(self, storage: Storage) -> None:
        stored = await storage.put(b"")
        assert await storage.get(stored.key) == b""
        assert (await storage.info(stored.key)).size == 0

    async def test_stream_gives_every_byte(self, storage: Storage) -> None:
        data = os.urandom(3 * MIB + 17)
        stored = await storage.put(data)
        received = [chunk async for chunk in storage.stream(stored.key, chunk_size=MIB)]
        assert b"".join(received) == data
        assert len(received) > 1

    async def test_large_data_goes_as_a_multipart_upload(
        self, make_storage: StorageFactory
    ) -> None:
        storage = await make_storage(multipart_threshold=5 * MIB, part_size=5 * MIB)
        try:
            data = os.urandom(11 * MIB + 5)
            stored = await storage.put(io.BytesIO(data), metadata={"kind": "big"})
            assert stored.size == len(data)
            info = await storage.info(stored.key)
            assert (info.size, info.checksum) == (len(data), hashlib.sha256(data).hexdigest())
            assert dict(info.metadata) == {"kind": "big"}
            assert hashlib.sha256(await storage.get(stored.key)).digest() == (
                hashlib.sha256(data).digest()
            )
        finally:
            await storage.close()

    async def test_put_under_a_given_key_replaces_it(self, storage: Storage) -> None:
        key = new_key()
        await storage.put(b"first", key=key)
        stored = await storage.put(b"second", key=key, content_type="text/plain")
        assert stored.key == key
        assert await storage.get(key) == b"second"
        assert (await storage.info(key)).content_type == "text/plain"

    # -- exists, delete, list --------------------------------------------------------

    async def test_exists_and_delete(self, storage: Storage) -> None:
        stored = await storage.put(b"gone soon")
        assert await storage.exists(stored.key)
        await storage.delete(stored.key)
        assert not await storage.exists(stored.key)
        await storage.delete(stored.key)  # deleting twice is fine
        with pytest.raises(ObjectNotFound):
            await storage.get(stored.key)

    async def test_a_missing_object_is_not_found(self, storage: Storage) -> None:
        key = new_key()
        assert not await storage.exists(key)
        with pytest.raises(ObjectNotFound):
            await storage.info(key)
        with pytest.raises(ObjectNotFound):
            await storage.get(key)
        with pytest.raises(ObjectNotFound):
            [chunk async for chunk in storage.stream(key)]
        await storage.delete(key)

    async def test_list_by_prefix(self, storage: Storage) -> None:
        keys = {(await storage.put(f"n{n}".encode())).key for n in range(5)}
        assert {key async for key in storage.list()} == keys
        one = sorted(keys)[0]
        assert one in {key async for key in storage.list(one[:3])}
        assert [key async for key in storage.list(one)] == [one]
        assert [key async for key in storage.list("zzzzzzzzzzzzzzzzzzzzzzzzzzzz")] == []

    # -- signed URLs ---------------------------------------------------------------------

    async def test_a_signed_url_serves_the_file(self, storage: Storage, fetch: Fetch) -> None:
        data = b"%PDF-1.4 the report\n%%EOF\n"
        stored = await storage.put(data, content_type="application/pdf")
        url = await storage.url(stored.key, filename="Q3 report ü.pdf", expires_in=60)
        response = await fetch(url)
        assert response.status_code == 200
        assert response.content == data
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment")
        assert "filename*=UTF-8''Q3%20report%20%C3%BC.pdf" in disposition

    async def test_a_url_asked_for_inline_display(self, storage: Storage, fetch: Fetch) -> None:
        stored = await storage.put(b"plain words", content_type="text/plain")
        response = await fetch(await storage.url(stored.key, filename="a.txt", inline=True))
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("inline")

    async def test_a_url_that_was_altered_is_refused(self, storage: Storage, fetch: Fetch) -> None:
        if not self.checks_signatures:
            pytest.skip("this emulator does not check signatures (the real service does)")
        first = await storage.put(b"mine")
        second = await storage.put(b"someone else's")
        url = await storage.url(first.key)
        if first.key in url:
            response = await fetch(url.replace(first.key, second.key))
            assert response.status_code in {403, 404}
            assert b"someone else's" not in response.content
        response = await fetch(tampered(url))
        assert response.status_code in {400, 403, 404}, (response.status_code, response.text)

    # -- hostile input -------------------------------------------------------------------

    @pytest.mark.parametrize("key", HOSTILE_KEYS)
    async def test_keys_that_are_not_generated_are_refused(
        self, storage: Storage, key: str
    ) -> None:
        with pytest.raises(InvalidKey):
            await storage.put(b"x", key=key)
        with pytest.raises(InvalidKey):
            await storage.get(key)
        with pytest.raises(InvalidKey):
            await storage.info(key)
        with pytest.raises(InvalidKey):
            await storage.exists(key)
        with pytest.raises(InvalidKey):
            await storage.delete(key)
        with pytest.raises(InvalidKey):
            await storage.url(key)

    @pytest.mark.parametrize("prefix", ["../", "/", "a/b", "A", "." * 3])
    async def test_list_refuses_a_path_as_prefix(self, storage: Storage, prefix: str) -> None:
        with pytest.raises(InvalidKey):
            [key async for key in storage.list(prefix)]

    @pytest.mark.parametrize(
        "options",
        [
            {"content_type": "text/html\r\nSet-Cookie: a=b"},
            {"content_type": "not a type"},
            {"metadata": {"X-Amz-Acl": "public-read"}},
            {"metadata": {"name": "Ünïcode"}},
            {"metadata": {"note": "line\r\nbreak"}},
            {"metadata": {"big": "x" * 3000}},
            {"metadata": {"shipyard_sha256": "0" * 64}},
        ],
    )
    async def test_unsafe_types_and_metadata_are_refused(
        self, storage: Storage, options: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidObject):
            await storage.put(b"x", **options)
        assert [key async for key in storage.list()] == []

    async def test_data_over_max_size_is_not_stored(self, storage: Storage) -> None:
        with pytest.raises(TooLarge):
            await storage.put(b"x" * 101, max_size=100)
        with pytest.raises(TooLarge):
            await storage.put(chunks(b"x" * 5000), max_size=4096)
        with pytest.raises(TooLarge):
            await storage.put(io.BytesIO(b"x" * 5000), max_size=4096)
        assert [key async for key in storage.list()] == []
        assert (await storage.put(b"x" * 100, max_size=100)).size == 100
