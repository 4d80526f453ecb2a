"""The ``storage`` section: where stored files live (local disk, S3, Azure) and how."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class S3StorageSettings(Section):
    """Amazon S3 or an S3-compatible store (MinIO, R2, Ceph...); needs ``shipyard[s3]``."""

    bucket: str | None = Field(default=None, description="The bucket files are kept in.")
    region: str | None = Field(
        default=None, description="The bucket's region; default: AWS_REGION / AWS_DEFAULT_REGION."
    )
    endpoint_url: str | None = Field(
        default=None,
        description="An S3-compatible store's URL (http://127.0.0.1:9000); unset: AWS.",
    )
    access_key_id: str | None = Field(
        default=None,
        description="Unset: the usual AWS credential chain (variables, profile, role).",
    )
    secret_access_key: SecretStr | None = Field(
        default=None, description="The secret of access_key_id."
    )
    prefix: str = Field(
        default="",
        pattern=r"^([a-z0-9][a-z0-9_-]*/)*$",
        description='A folder inside the bucket for this app\'s files ("shipyard/"), or "".',
    )
    addressing_style: Literal["auto", "virtual", "path"] = Field(
        default="auto", description="Bucket addressing; path style for most local S3 stores."
    )


class AzureStorageSettings(Section):
    """Azure Blob Storage; needs ``shipyard[azure]``."""

    connection_string: SecretStr | None = Field(
        default=None,
        description="The account's connection string (it holds the account key signed URLs need).",
    )
    container: str | None = Field(default=None, description="The container files are kept in.")
    prefix: str = Field(
        default="",
        pattern=r"^([a-z0-9][a-z0-9_-]*/)*$",
        description='A folder inside the container for this app\'s files ("shipyard/"), or "".',
    )


class StorageSettings(Section):
    """Stored files (docs/storage.md): the backend, its place, signed URLs, large files."""

    backend: Literal["local", "s3", "azure"] = Field(
        default="local",
        description="local (files under root), s3 (storage.s3) or azure (storage.azure).",
    )
    root: str = Field(
        default="var/storage",
        description="The local backend's folder, relative to the app's root.",
    )
    url_expires: int = Field(
        default=300,
        ge=1,
        le=7 * 24 * 3600,
        description="Seconds a signed URL stays valid unless a call says otherwise.",
    )
    multipart_threshold: int = Field(
        default=16 * 1024 * 1024,
        ge=5 * 1024 * 1024,
        description="Files larger than this many bytes are sent in parts (S3 multipart "
        "upload, Azure blocks).",
    )
    part_size: int = Field(
        default=8 * 1024 * 1024,
        ge=5 * 1024 * 1024,
        le=100 * 1024 * 1024,
        description="Bytes per part of a multipart upload (S3 needs at least 5 MiB).",
    )
    s3: S3StorageSettings = S3StorageSettings()
    azure: AzureStorageSettings = AzureStorageSettings()
