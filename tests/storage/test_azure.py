"""The storage contract against a real Azurite (Azure Blob Storage emulator)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from azure.storage.blob.aio import BlobServiceClient
from tests.storage.contract import Fetch, StorageContract, StorageFactory

from shipyard.storage import Checksum, Storage, StorageError, new_key
from shipyard.storage.azure import AzureStorage

pytestmark = pytest.mark.azure


async def new_container(connection_string: str) -> str:
    name = f"shipyard-{uuid.uuid4().hex[:12]}"
    async with BlobServiceClient.from_connection_string(connection_string) as service:
        await service.create_container(name)
    return name


class TestAzureStorage(StorageContract):
    @pytest.fixture
    async def make_storage(self, azurite_connection_string: str) -> StorageFactory:
        container = await new_container(azurite_connection_string)

        async def make(**options: Any) -> Storage:
            return AzureStorage(azurite_connection_string, container, **options)

        return make

    @pytest.fixture
    def fetch(self) -> Fetch:
        async def get(url: str) -> httpx.Response:
            async with httpx.AsyncClient() as client:
                return await client.get(url)

        return get


async def test_a_missing_container_names_the_setting(azurite_connection_string: str) -> None:
    storage = AzureStorage(azurite_connection_string, "no-such-container")
    try:
        with pytest.raises(StorageError, match=r"storage\.azure\.container"):
            await storage.put(b"x")
    finally:
        await storage.close()


async def test_a_presigned_upload_may_only_create_the_blob(azurite_connection_string: str) -> None:
    storage = AzureStorage(
        azurite_connection_string, await new_container(azurite_connection_string)
    )
    try:
        sha256 = Checksum.parse(base64.b64encode(hashlib.sha256(b"data").digest()).decode())
        key = new_key()
        target = await storage.presign_upload(
            key, size=4, content_type="text/plain", checksum=sha256, expires_in=60
        )
        assert parse_qs(urlsplit(target.url).query)["sp"] == ["c"]
        assert target.headers == {
            "x-ms-blob-type": "BlockBlob",
            "Content-Type": "text/plain",
            "If-None-Match": "*",
        }
        async with httpx.AsyncClient() as client:
            sent = await client.put(target.url, content=b"data", headers=target.headers)
            assert sent.status_code == 201, sent.text
            again = await client.put(target.url, content=b"evil", headers=target.headers)
            assert again.status_code in {403, 409}
        info = await storage.info(key)
        assert (info.size, info.content_type) == (4, "text/plain")
        assert await storage.get(key) == b"data"
    finally:
        await storage.close()
