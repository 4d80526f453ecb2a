"""The storage contract against a real moto server in S3 mode (S3-compatible API)."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from tests.storage.contract import Fetch, StorageContract, StorageFactory

from shipyard.storage import Checksum, Storage, StorageError, new_key
from shipyard.storage.s3 import S3Storage

pytestmark = pytest.mark.aws

CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}


def make_s3(endpoint: str, bucket: str, **options: Any) -> S3Storage:
    return S3Storage(
        bucket,
        endpoint_url=endpoint,
        region="us-east-1",
        addressing_style="path",
        **CREDENTIALS,
        **options,
    )


def new_bucket(endpoint: str) -> str:
    name = f"shipyard-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name)
    return name


class TestS3Storage(StorageContract):
    checks_signatures = False  # moto serves presigned URLs without checking them

    @pytest.fixture
    def make_storage(self, moto_endpoint: str) -> StorageFactory:
        bucket = new_bucket(moto_endpoint)

        async def make(**options: Any) -> Storage:
            return make_s3(moto_endpoint, bucket, **options)

        return make

    @pytest.fixture
    def fetch(self) -> Fetch:
        async def get(url: str) -> httpx.Response:
            async with httpx.AsyncClient() as client:
                return await client.get(url)

        return get


async def test_a_prefix_keeps_the_apps_files_in_a_folder(moto_endpoint: str) -> None:
    bucket = new_bucket(moto_endpoint)
    storage = make_s3(moto_endpoint, bucket, prefix="app/")
    stored = await storage.put(b"in a folder")
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert client.get_object(Bucket=bucket, Key=f"app/{stored.key}")["Body"].read() == (
        b"in a folder"
    )
    assert [key async for key in storage.list()] == [stored.key]


async def test_a_missing_bucket_names_the_setting(moto_endpoint: str) -> None:
    storage = make_s3(moto_endpoint, "no-such-bucket-here")
    with pytest.raises(StorageError, match=r"storage\.s3\.bucket"):
        await storage.put(b"x")


async def test_an_unreachable_endpoint_names_the_setting() -> None:
    storage = make_s3("http://127.0.0.1:9", "bucket")
    with pytest.raises(StorageError, match="endpoint_url"):
        await storage.put(b"x")


class FailsOnSecondPass(io.BytesIO):
    """A file that reads fine once (the hash) and fails midway through the upload."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.passes = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0:
            self.passes += 1
        return super().seek(offset, whence)

    def read(self, size: int | None = -1) -> bytes:
        if self.passes >= 3 and self.tell() >= 5 * 1024 * 1024:
            raise OSError("the disk went away")
        return super().read(size)


async def test_a_failed_multipart_upload_is_aborted(moto_endpoint: str) -> None:
    bucket = new_bucket(moto_endpoint)
    storage = make_s3(
        moto_endpoint, bucket, multipart_threshold=5 * 1024 * 1024, part_size=5 * 1024 * 1024
    )
    with pytest.raises(OSError, match="the disk went away"):
        await storage.put(FailsOnSecondPass(bytes(16 * 1024 * 1024)))
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert [key async for key in storage.list()] == []


async def test_a_presigned_upload_signs_length_type_checksum_and_no_overwrite(
    moto_endpoint: str,
) -> None:
    storage = make_s3(moto_endpoint, new_bucket(moto_endpoint))
    md5 = Checksum.parse(base64.b64encode(hashlib.md5(b"data").digest()).decode())
    target = await storage.presign_upload(
        new_key(), size=4, content_type="text/plain", checksum=md5, expires_in=60
    )
    signed = parse_qs(urlsplit(target.url).query)["X-Amz-SignedHeaders"][0].split(";")
    assert signed == ["content-length", "content-md5", "content-type", "host", "if-none-match"]
    assert target.headers == {
        "Content-Type": "text/plain",
        "If-None-Match": "*",
        "Content-MD5": md5.base64,
    }
    async with httpx.AsyncClient() as client:
        assert (await client.put(target.url, content=b"data", headers=target.headers)).is_success
        again = await client.put(target.url, content=b"data", headers=target.headers)
    assert again.status_code == 412
