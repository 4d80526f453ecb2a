"""The storage contract on the local backend, and what only it has: files on disk, links."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.storage.contract import Fetch, StorageContract, StorageFactory

from shipyard import App
from shipyard.storage import (
    STORAGE,
    BadLink,
    Checksum,
    ExpiredLink,
    LocalStorage,
    Storage,
    StorageExtension,
    UrlSigner,
    new_key,
)

SECRET = "a-test-secret-that-is-long-enough-for-hmac"


def make_local(root: Path, **options: Any) -> LocalStorage:
    return LocalStorage(root, signer=UrlSigner(SECRET), url_prefix="/storage/files", **options)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app with the storage extension over a local store in ``tmp_path / "store"``."""
    storage = make_local(tmp_path / "store")
    app = App(root=tmp_path, profile="test", extensions=[StorageExtension(storage=storage)])
    STORAGE.provide(app, storage)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


class TestLocalStorage(StorageContract):
    @pytest.fixture
    def make_storage(self, client: httpx.AsyncClient, tmp_path: Path) -> StorageFactory:
        async def make(**options: Any) -> Storage:
            if not options:
                return STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
            return make_local(tmp_path / "store", **options)

        return make

    @pytest.fixture
    def fetch(self, client: httpx.AsyncClient) -> Fetch:
        async def get(url: str) -> httpx.Response:
            return await client.get(url)

        return get


async def test_files_are_under_the_root_in_two_levels(tmp_path: Path) -> None:
    storage = make_local(tmp_path)
    stored = await storage.put(b"on disk")
    path = tmp_path / stored.key[:2] / stored.key[2:4] / stored.key
    assert path.read_bytes() == b"on disk"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".partial-")]


async def test_a_symlink_planted_in_the_tree_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "store"
    storage = make_local(root)
    stored = await storage.put(b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    key = "zz" + stored.key[2:]
    (root / "zz").mkdir()
    (root / "zz" / key[2:4]).symlink_to(outside, target_is_directory=True)
    os.symlink(outside / "secret", outside / key)
    with pytest.raises(Exception, match="not a storage key"):
        await storage.get(key)


def flip_signature(token: str) -> str:
    """``token`` with the first character of its signature changed (all of its bits count;
    the last character of a base64 signature carries padding bits a decoder may ignore)."""
    payload, signature = token.rsplit(".", 1)
    first = "B" if signature[0] == "A" else "A"
    return f"{payload}.{first}{signature[1:]}"


def forge(token: str, **changes: Any) -> str:
    """``token`` with its payload changed and its old signature kept."""
    payload, signature = token.rsplit(".", 1)
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    encoded = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{encoded}.{signature}"


async def test_links_forged_or_expired_are_refused(client: httpx.AsyncClient) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    mine = await storage.put(b"mine")
    theirs = await storage.put(b"theirs")
    url = await storage.url(mine.key, expires_in=60)
    prefix, token = url.rsplit("/", 1)
    assert (await client.get(url)).content == b"mine"

    for forged in [
        forge(token, k=theirs.key),
        forge(token, e=2**40),
        forge(token, k="../../../etc/passwd"),
        flip_signature(token),
        UrlSigner("another-secret-of-the-same-length-as-the-first").sign(
            theirs.key, expires_in=60, filename=None, inline=False
        ),
        "not-a-token",
        "",
    ]:
        response = await client.get(f"{prefix}/{forged}")
        assert response.status_code in {403, 404}, forged
        assert b"theirs" not in response.content

    old = UrlSigner(SECRET, clock=lambda: time.time() - 3600).sign(
        theirs.key, expires_in=60, filename=None, inline=False
    )
    response = await client.get(f"{prefix}/{old}")
    assert response.status_code == 403
    assert "expired" in response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_file_that_could_run_as_a_page_is_never_inline(
    client: httpx.AsyncClient,
) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    stored = await storage.put(b"<script>alert(1)</script>", content_type="text/html")
    response = await client.get(await storage.url(stored.key, filename="x.html", inline=True))
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]


async def test_a_link_to_a_deleted_file_is_a_404(client: httpx.AsyncClient) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    stored = await storage.put(b"short-lived")
    url = await storage.url(stored.key)
    await storage.delete(stored.key)
    response = await client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_signer_refuses_a_token_past_its_expiry() -> None:
    now = [1_000_000.0]
    signer = UrlSigner(SECRET, clock=lambda: now[0])
    token = signer.sign("a" * 28, expires_in=5, filename="a.txt", inline=True)
    assert signer.verify(token).filename == "a.txt"
    now[0] += 5
    assert signer.verify(token).inline is True
    now[0] += 1
    with pytest.raises(ExpiredLink):
        signer.verify(token)


def test_a_read_link_and_an_upload_link_are_not_each_other() -> None:
    now = [1_000_000.0]
    signer = UrlSigner(SECRET, clock=lambda: now[0])
    upload = signer.sign_upload("a" * 28, expires_in=5, size=10, content_type="image/png")
    grant = signer.verify_upload(upload)
    assert (grant.key, grant.size, grant.content_type) == ("a" * 28, 10, "image/png")
    read = signer.sign("a" * 28, expires_in=5, filename=None, inline=False)
    with pytest.raises(BadLink):
        signer.verify(upload)
    with pytest.raises(BadLink):
        signer.verify_upload(read)
    with pytest.raises(BadLink):
        UrlSigner("another-secret-that-is-long-enough-for-hmac").verify_upload(upload)
    now[0] += 6
    with pytest.raises(ExpiredLink):
        signer.verify_upload(upload)


async def test_an_upload_link_stores_its_body_once(client: httpx.AsyncClient) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    key = new_key()
    checksum = Checksum.parse(base64.b64encode(hashlib.sha256(b"0123456789").digest()).decode())
    target = await storage.presign_upload(
        key, size=10, content_type="text/plain", checksum=checksum, expires_in=60
    )
    assert target.method == "PUT"
    assert target.url.startswith("/storage/uploads/")
    assert target.headers == {"Content-Type": "text/plain"}
    assert (await client.put(target.url, content=b"0123456789")).status_code == 201
    info = await storage.info(key)
    assert (info.size, info.content_type) == (10, "text/plain")
    again = await client.put(target.url, content=b"9876543210")
    assert again.status_code == 409
    assert await storage.get(key) == b"0123456789"
    with pytest.raises(ValueError, match="negative"):
        await storage.presign_upload(key, size=-1, content_type="text/plain", checksum=checksum)


async def test_a_range_request_gets_that_range(client: httpx.AsyncClient) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    data = bytes(range(256)) * 40  # 10,240 bytes
    stored = await storage.put(data)
    url = await storage.url(stored.key, expires_in=60)

    whole = await client.get(url)
    assert (whole.status_code, whole.headers["accept-ranges"]) == (200, "bytes")
    etag = whole.headers["etag"]
    for asked, start, end in [
        ("bytes=0-99", 0, 99),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),  # clamped to the end
        ("bytes=-99999", 0, 10239),
    ]:
        part = await client.get(url, headers={"Range": asked})
        assert part.status_code == 206, asked
        assert part.content == data[start : end + 1], asked
        assert part.headers["content-range"] == f"bytes {start}-{end}/10240"
        assert part.headers["content-length"] == str(end - start + 1)

    matching = await client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert matching.status_code == 206
    stale = await client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert (stale.status_code, stale.content) == (200, data)


@pytest.mark.parametrize(
    "asked", ["bytes=0-1,5-9", "items=0-9", "bytes=9-0", "bytes=abc", "bytes=-", "bytes"]
)
async def test_ranges_it_may_ignore_get_the_whole_file(
    client: httpx.AsyncClient, asked: str
) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    stored = await storage.put(b"0123456789")
    response = await client.get(
        await storage.url(stored.key, expires_in=60), headers={"Range": asked}
    )
    assert (response.status_code, response.content) == (200, b"0123456789")


@pytest.mark.parametrize("asked", ["bytes=10-", "bytes=99-120", "bytes=-0"])
async def test_a_range_past_the_end_is_a_416(client: httpx.AsyncClient, asked: str) -> None:
    storage = STORAGE.get(client._transport.app)  # type: ignore[attr-defined]
    stored = await storage.put(b"0123456789")
    response = await client.get(
        await storage.url(stored.key, expires_in=60), headers={"Range": asked}
    )
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */10"
    assert response.headers["content-type"].startswith("application/problem+json")
