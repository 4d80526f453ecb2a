"""The ``uploads`` section: limits of streamed uploads, where they spool, virus scanning."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shipyard.config.sections.base import Section


class UploadSettings(Section):
    """Streaming multipart uploads (docs/uploads.md): limits, temp files, ClamAV."""

    max_file_size: int = Field(
        default=10 * 1024 * 1024,
        ge=0,
        description="Largest uploaded file in bytes (10 MiB); 413 above it. A route "
        'raises or lowers it with Upload(max_size="1GB").',
    )
    max_request_size: int = Field(
        default=50 * 1024 * 1024,
        ge=0,
        description="Largest multipart body of an upload route in bytes (50 MiB), files "
        "and fields together; the route's max_body_size= must allow it too.",
    )
    max_files: int = Field(default=10, ge=0, description="Most files in one request.")
    max_fields: int = Field(default=100, ge=0, description="Most non-file fields in one request.")
    max_field_size: int = Field(
        default=64 * 1024, ge=0, description="Largest non-file field value in bytes."
    )
    max_header_size: int = Field(
        default=8 * 1024,
        ge=256,
        description="Largest header block of one multipart part in bytes; 400 above it.",
    )
    temp_dir: str | None = Field(
        default=None,
        description="Where uploads spool while they stream in (relative to the app's "
        "root); default: the system temp directory. Deleted after the request.",
    )
    clamd: str | None = Field(
        default=None,
        description='The ClamAV daemon: "unix:/run/clamav/clamd.ctl" or '
        '"tcp://127.0.0.1:3310"; unset: uploads are not scanned.',
    )
    scan_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a ClamAV scan may take before it counts "
        "as the scanner being unreachable.",
    )
    scan_chunk_size: int = Field(
        default=1024 * 1024,
        ge=1024,
        le=16 * 1024 * 1024,
        description="Bytes per INSTREAM chunk sent to clamd (under its StreamMaxLength).",
    )
    when_scanner_down: Literal["fail_closed", "allow"] | None = Field(
        default=None,
        description="What happens to an upload when clamd cannot be reached: refuse it "
        "(fail_closed, 503) or let it through unscanned (allow, logged). Default: "
        "fail_closed in production, allow elsewhere.",
    )
    direct_url_expires: int = Field(
        default=600,
        ge=1,
        description="Seconds a direct upload's presigned PUT may take to start (the "
        "store refuses it later; the transfer itself may last longer).",
    )
    direct_confirm_within: int = Field(
        default=24 * 3600,
        ge=60,
        description="Seconds a direct upload may wait for the form that confirms it; "
        "after that its signed id is refused and the purge job deletes it.",
    )
    progress_interval: float = Field(
        default=0.25,
        ge=0,
        description="Least seconds between two progress events of one upload.",
    )
