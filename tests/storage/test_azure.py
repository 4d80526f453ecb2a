"""The storage contract against a real Azurite (Azure Blob Storage emulator)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from azure.storage.blob.aio import BlobServiceClient
from tests.storage.contract import Fetch, StorageContract, StorageFactory

from shipyard.storage import Storage, StorageError
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
