"""Amazon S3 and S3-compatible stores (MinIO, Cloudflare R2, Ceph...), through boto3.

boto3 is synchronous: every call runs in a worker thread (its clients are thread-safe).
A single ``PutObject`` carries the SHA-256 (``ChecksumSHA256``), which S3 verifies
before it stores anything; larger data goes as a multipart upload, each part with its
own SHA-256, four parts in flight at a time, aborted if any part fails. The whole file's
SHA-256 also travels as metadata, so ``info`` reads it back. Links are presigned
``GetObject`` URLs (SigV4), served by the store itself; a direct upload is a presigned
``PutObject`` whose signature covers the length, the type, the checksum and
``If-None-Match: *``, so S3 refuses any other body and never replaces an object.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import anyio
from anyio import to_thread

from shipyard.storage.base import Storage
from shipyard.storage.disposition import content_disposition
from shipyard.storage.errors import ObjectNotFound, StorageError
from shipyard.storage.keys import KEY
from shipyard.storage.objects import CHECKSUM_FIELD, StoredObject, split_metadata
from shipyard.storage.presign import Checksum, UploadTarget
from shipyard.storage.sources import Body

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

T = TypeVar("T")
_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage(Storage):
    """Objects in ``bucket`` (under ``prefix``), on AWS or at ``endpoint_url``."""

    name = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        region: str | None = None,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        addressing_style: Literal["auto", "virtual", "path"] = "auto",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        try:
            import boto3
            from botocore.config import Config
        except ImportError as error:  # pragma: no cover - the extra is installed in tests
            raise StorageError(
                "the s3 storage backend needs boto3", hint="pip install 'shipyard[s3]'"
            ) from error
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        session = boto3.session.Session(
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key
        )
        self.client: S3Client = session.client(
            "s3",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": addressing_style},
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=32,
            ),
        )

    async def _call(self, action: Callable[..., T], key: str = "", **kwargs: Any) -> T:
        """Run one boto3 call in a thread; its errors as storage errors naming the fix."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await to_thread.run_sync(functools.partial(action, **kwargs))
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _MISSING:
                raise ObjectNotFound(key) from None
            if code == "NoSuchBucket":
                raise StorageError(
                    f"the S3 bucket {self.bucket!r} does not exist",
                    hint="create it, or set storage.s3.bucket to an existing one",
                ) from None
            raise StorageError(f"S3 refused the request: {error}") from error
        except BotoCoreError as error:
            raise StorageError(
                f"S3 could not be reached: {error}",
                hint="check storage.s3.endpoint_url, region and credentials",
            ) from error

    async def _put_one(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None:
        await self._call(
            self.client.put_object,
            key,
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=body.file,
            ContentLength=body.size,
            ContentType=content_type,
            Metadata={**metadata, CHECKSUM_FIELD: body.sha256},
            ChecksumSHA256=_b64(bytes.fromhex(body.sha256)),
        )

    async def _put_parts(
        self, key: str, body: Body, content_type: str, metadata: dict[str, str]
    ) -> None:
        name = self.prefix + key
        started = await self._call(
            self.client.create_multipart_upload,
            key,
            Bucket=self.bucket,
            Key=name,
            ContentType=content_type,
            Metadata={**metadata, CHECKSUM_FIELD: body.sha256},
            ChecksumAlgorithm="SHA256",
        )
        upload_id = started["UploadId"]

        async def send(number: int, chunk: bytes) -> CompletedPartTypeDef:
            checksum = _b64(hashlib.sha256(chunk).digest())
            sent = await self._call(
                self.client.upload_part,
                key,
                Bucket=self.bucket,
                Key=name,
                UploadId=upload_id,
                PartNumber=number,
                Body=chunk,
                ChecksumSHA256=checksum,
            )
            return {"PartNumber": number, "ETag": sent["ETag"], "ChecksumSHA256": checksum}

        try:
            parts = await body.send_parts(self.part_size, send)
            await self._call(
                self.client.complete_multipart_upload,
                key,
                Bucket=self.bucket,
                Key=name,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            with anyio.CancelScope(shield=True):  # abort even when the caller was cancelled
                await self._call(
                    self.client.abort_multipart_upload,
                    Bucket=self.bucket,
                    Key=name,
                    UploadId=upload_id,
                )
            raise

    async def _stream(self, key: str, chunk_size: int) -> AsyncIterator[bytes]:
        answer = await self._call(
            self.client.get_object, key, Bucket=self.bucket, Key=self.prefix + key
        )
        stream = answer["Body"]
        try:
            while chunk := await to_thread.run_sync(stream.read, chunk_size):
                yield chunk
        finally:
            stream.close()

    async def _info(self, key: str) -> StoredObject:
        head = await self._call(
            self.client.head_object, key, Bucket=self.bucket, Key=self.prefix + key
        )
        metadata, checksum = split_metadata(head.get("Metadata", {}))
        return StoredObject(
            key=key,
            size=head["ContentLength"],
            content_type=head.get("ContentType", "application/octet-stream"),
            checksum=checksum,
            metadata=metadata,
            last_modified=head.get("LastModified"),
        )

    async def _delete(self, key: str) -> None:
        await self._call(self.client.delete_object, key, Bucket=self.bucket, Key=self.prefix + key)

    async def _list(self, prefix: str) -> AsyncIterator[str]:
        token: str | None = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = await self._call(
                self.client.list_objects_v2,
                Bucket=self.bucket,
                Prefix=self.prefix + prefix,
                **extra,
            )
            for item in page.get("Contents", []):
                name = item.get("Key", "")[len(self.prefix) :]
                if KEY.fullmatch(name):
                    yield name
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return

    async def _url(self, key: str, expires_in: int, filename: str | None, inline: bool) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": self.prefix + key,
            "ResponseContentDisposition": content_disposition(filename, inline=inline),
        }
        url: str = await self._call(
            self.client.generate_presigned_url,
            ClientMethod="get_object",
            Params=params,
            ExpiresIn=expires_in,
        )
        return url

    async def _presign_upload(
        self, key: str, size: int, content_type: str, checksum: Checksum, expires_in: int
    ) -> UploadTarget:
        headers = {"Content-Type": content_type, "If-None-Match": "*"}
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self.prefix + key,
            "ContentType": content_type,
            "ContentLength": size,
            "IfNoneMatch": "*",
        }
        if checksum.algorithm == "md5":
            params["ContentMD5"] = headers["Content-MD5"] = checksum.base64
        else:
            params["ChecksumSHA256"] = headers["x-amz-checksum-sha256"] = checksum.base64
        url: str = await self._call(
            self.client.generate_presigned_url,
            ClientMethod="put_object",
            Params=params,
            ExpiresIn=expires_in,
        )
        return UploadTarget(url, headers)

    async def close(self) -> None:
        self.client.close()


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()
