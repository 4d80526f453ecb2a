"""Azure Blob Storage, through azure-storage-blob's asyncio client.

Data up to ``multipart_threshold`` is one ``Put Blob``; larger data is staged as blocks
of ``part_size`` (four at a time) and committed as a block list (Azure's multipart
upload). Every request body carries an MD5 that Azure checks before it stores anything
(``validate_content``); the whole file's SHA-256 travels as metadata. Links are blob SAS
URLs (read only, with the download name), signed with the account key from the
connection string. A direct upload is a ``Put Blob`` through a SAS that may only create
the blob (never replace one), for a short time; Azure checks a declared MD5
(``Content-MD5``), and the app checks the rest once the client says it is done.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio import to_thread

from shipyard.storage.base import Storage
from shipyard.storage.disposition import content_disposition
from shipyard.storage.errors import ObjectNotFound, StorageError
from shipyard.storage.keys import KEY
from shipyard.storage.objects import CHECKSUM_FIELD, StoredObject, split_metadata
from shipyard.storage.presign import Checksum, UploadTarget
from shipyard.storage.sources import CHUNK, Body

try:
    from azure.core.exceptions import AzureError, ResourceNotFoundError
    from azure.storage.blob import (
        BlobBlock,
        BlobSasPermissions,
        ContentSettings,
        generate_blob_sas,
    )
    from azure.storage.blob.aio import BlobClient, BlobServiceClient
except ImportError as error:  # pragma: no cover - the extra is installed in tests
    raise ImportError(
        "the azure storage backend needs azure-storage-blob: pip install 'shipyard[azure]'"
    ) from error


class AzureStorage(Storage):
    """Objects in ``container`` (under ``prefix``) of the account ``connection_string`` names."""

    name = "azure"

    def __init__(
        self, connection_string: str, container: str, *, prefix: str = "", **options: Any
    ) -> None:
        super().__init__(**options)
        self.service = BlobServiceClient.from_connection_string(
            connection_string, max_single_get_size=CHUNK * 4, max_chunk_get_size=CHUNK * 4
        )
        self.container = self.service.get_container_client(container)
        self.prefix = prefix
        self._account_key: str | None = getattr(self.service.credential, "account_key", None)

    def _blob(self, key: str) -> BlobClient:
        return self.container.get_blob_client(self.prefix + key)

    @contextmanager
    def _errors(self, key: str = "") -> Iterator[None]:
        """Azure's errors as storage errors that name the fix."""
        try:
            yield
        except ResourceNotFoundError as error:
            if getattr(error, "error_code", None) == "ContainerNotFound":
                raise StorageError(
                    f"the Azure container {self.container.container_name!r} does not exist",
                    hint="create it, or set storage.azure.container to an existing one",
                ) from None
            raise ObjectNotFound(key) from None
        except AzureError as error:
            raise StorageError(
                f"Azure Blob Storage failed: {error.message}",
                hint="check storage.azure.connection_string and that the account is reachable",
            ) from error

    async def _put_one(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None:
        data = await to_thread.run_sync(_read_all, body)
        with self._errors(key):
            await self._blob(key).upload_blob(
                data,
                length=body.size,
                overwrite=True,
                validate_content=True,
                content_settings=ContentSettings(content_type=content_type),
                metadata={**metadata, CHECKSUM_FIELD: body.sha256},
            )

    async def _put_parts(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None:
        blob = self._blob(key)

        async def stage(number: int, chunk: bytes) -> BlobBlock:
            block_id = base64.b64encode(f"{number:08d}".encode()).decode()
            await blob.stage_block(block_id, chunk, validate_content=True)
            return BlobBlock(block_id=block_id)

        with self._errors(key):
            blocks = await body.send_parts(self.part_size, stage)
            await blob.commit_block_list(
                blocks,
                content_settings=ContentSettings(content_type=content_type),
                metadata={**metadata, CHECKSUM_FIELD: body.sha256},
            )

    async def _stream(self, key: str, chunk_size: int) -> AsyncIterator[bytes]:
        with self._errors(key):
            download = await self._blob(key).download_blob()
            async for chunk in download.chunks():
                for start in range(0, len(chunk), chunk_size):
                    yield chunk[start : start + chunk_size]

    async def _info(self, key: str) -> StoredObject:
        with self._errors(key):
            props = await self._blob(key).get_blob_properties()
        metadata, checksum = split_metadata(props.metadata or {})
        return StoredObject(
            key=key,
            size=props.size,
            content_type=props.content_settings.content_type or "application/octet-stream",
            checksum=checksum,
            metadata=metadata,
            last_modified=props.last_modified,
        )

    async def _delete(self, key: str) -> None:
        try:
            with self._errors(key):
                await self._blob(key).delete_blob()
        except ObjectNotFound:
            pass

    async def _list(self, prefix: str) -> AsyncIterator[str]:
        with self._errors():
            async for item in self.container.list_blobs(name_starts_with=self.prefix + prefix):
                name = item.name[len(self.prefix) :]
                if KEY.fullmatch(name):
                    yield name

    async def _url(self, key: str, expires_in: int, filename: str | None, inline: bool) -> str:
        return self._signed_url(
            key,
            expires_in,
            BlobSasPermissions(read=True),
            content_disposition=content_disposition(filename, inline=inline),
        )

    async def _presign_upload(
        self, key: str, size: int, content_type: str, checksum: Checksum, expires_in: int
    ) -> UploadTarget:
        headers = {
            "x-ms-blob-type": "BlockBlob",
            "Content-Type": content_type,
            "If-None-Match": "*",
        }
        if checksum.algorithm == "md5":
            headers["Content-MD5"] = checksum.base64
        url = self._signed_url(key, expires_in, BlobSasPermissions(create=True))
        return UploadTarget(url, headers)

    def _signed_url(
        self, key: str, expires_in: int, permission: BlobSasPermissions, **options: Any
    ) -> str:
        if self._account_key is None:
            raise StorageError(
                "Azure signed URLs need the account key",
                hint="use a connection string with AccountKey= in storage.azure.connection_string",
            )
        blob = self._blob(key)
        now = datetime.now(UTC)
        sas = generate_blob_sas(
            account_name=blob.account_name or "",
            container_name=blob.container_name,
            blob_name=blob.blob_name,
            account_key=self._account_key,
            permission=permission,
            start=now - timedelta(minutes=5),  # clock skew between us and Azure
            expiry=now + timedelta(seconds=expires_in),
            **options,
        )
        return f"{blob.url}?{sas}"

    async def close(self) -> None:
        await self.service.close()


def _read_all(body: Body) -> bytes:
    body.file.seek(0)
    return body.file.read()
