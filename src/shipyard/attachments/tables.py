"""The ``shipyard_blobs`` and ``shipyard_attachments`` tables, and a blob as a dataclass.

A blob is one stored file: its storage key, the name it was uploaded with (for display
and downloads only), the type found in its bytes, size, SHA-256 and metadata. An
attachment row ties a blob to a named slot of a record (``ships`` #7's ``photo``), so
attaching needs no column on the app's tables. ``purge_after`` is set when a blob loses
its record: the purge job deletes due blobs that nothing references any more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from shipyard.db.branches import MigrationBranch
from shipyard.db.model import UtcDateTime, framework_metadata

blobs_table = Table(
    "shipyard_blobs",
    framework_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("byte_size", BigInteger, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("backend", String(20), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("purge_after", UtcDateTime(), nullable=True),
)
Index(None, blobs_table.c.purge_after)

attachments_table = Table(
    "shipyard_attachments",
    framework_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_type", String(100), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("blob_id", Integer, ForeignKey("shipyard_blobs.id"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)
Index(
    None,
    attachments_table.c.record_type,
    attachments_table.c.record_id,
    attachments_table.c.name,
)
Index(None, attachments_table.c.blob_id)

ATTACHMENT_MIGRATIONS = MigrationBranch.declare(
    "shipyard_attachments",
    Path(__file__).parent / "migrations",
    blobs_table,
    attachments_table,
)
"""The migrations of ``shipyard_blobs`` and ``shipyard_attachments``."""


BLOB_COLUMNS = (
    "key",
    "filename",
    "content_type",
    "byte_size",
    "checksum",
    "metadata",
    "backend",
    "created_at",
)


@dataclass(frozen=True)
class Blob:
    """One stored file as the blob table knows it."""

    id: int
    key: str
    filename: str
    content_type: str
    byte_size: int
    checksum: str
    created_at: datetime
    metadata: dict[str, Any] = field(default_factory=dict)
    backend: str = "local"

    @property
    def is_image(self) -> bool:
        """True for the raster image types a browser shows in an ``<img>``."""
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}

    @classmethod
    def from_row(cls, row: Any) -> Blob:
        """The blob of a ``shipyard_blobs`` row."""
        return cls(
            id=row.id,
            key=row.key,
            filename=row.filename,
            content_type=row.content_type,
            byte_size=row.byte_size,
            checksum=row.checksum,
            created_at=row.created_at,
            metadata=dict(row.metadata or {}),
            backend=row.backend,
        )
