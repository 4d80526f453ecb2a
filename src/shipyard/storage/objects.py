"""What a store knows about one object (:class:`StoredObject`) and the checks on what goes in.

Content types and metadata travel as HTTP headers in S3 and Azure, so both are checked
before anything is sent: a media type is ``type/subtype`` with optional parameters,
metadata names are lower-case identifiers (Azure's rule, stricter than S3's) and values
printable ASCII, at most 2 KiB in all (S3's limit).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shipyard.storage.errors import InvalidObject

CHECKSUM_FIELD = "shipyard_sha256"
"""The metadata entry each backend stores the SHA-256 under (hidden from ``metadata``)."""

_MEDIA_TYPE = re.compile(
    r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"
    r"(?:; ?[a-z0-9_-]+=[a-z0-9_.-]+)*",
    re.IGNORECASE,
)
_META_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_META_VALUE = re.compile(r"[\x20-\x7e]*")
MAX_METADATA = 2048


@dataclass(frozen=True)
class StoredObject:
    """One stored object: its size, type, SHA-256 (hex), metadata and modification time."""

    key: str
    size: int
    content_type: str
    checksum: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None


def check_content_type(content_type: str) -> str:
    """``content_type`` if it is a media type safe to send as a header."""
    if not _MEDIA_TYPE.fullmatch(content_type):
        raise InvalidObject(
            f"{content_type[:80]!r} is not a media type",
            hint='give a type like "image/png" (the type found in an upload\'s bytes)',
        )
    return content_type


def check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """``metadata`` as a dict if every name and value can be stored in every backend."""
    checked = dict(metadata or {})
    for name, value in checked.items():
        if not _META_NAME.fullmatch(name) or name == CHECKSUM_FIELD:
            raise InvalidObject(
                f"{name[:80]!r} cannot be a metadata name",
                hint="use lower-case letters, digits and '_', starting with a letter",
            )
        if not isinstance(value, str) or not _META_VALUE.fullmatch(value):
            raise InvalidObject(
                f"the metadata value of {name!r} is not printable ASCII",
                hint="keep names and other text in your own table; metadata is for tags",
            )
    if sum(len(name) + len(value) for name, value in checked.items()) > MAX_METADATA:
        raise InvalidObject(
            f"metadata over {MAX_METADATA} bytes cannot be stored",
            hint="keep large values in your own table",
        )
    return checked


def split_metadata(stored: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The user's metadata and the checksum, from what a backend read back."""
    metadata = {name.lower(): value for name, value in stored.items()}
    checksum = metadata.pop(CHECKSUM_FIELD, "")
    return metadata, checksum
