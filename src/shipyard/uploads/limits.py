"""What one upload request may contain: :class:`UploadLimits`, from settings or a route.

The ``uploads`` settings section gives every upload route its defaults; a route narrows
or widens them (``Upload(max_size="1GB", max_files=1)``). The whole body is capped
before this by :mod:`shipyard.web.body_limit` (``web.max_body_size``, or the route's
``max_body_size=``): an upload route raises that one to its ``max_request_size``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from shipyard.config.sections.uploads import UploadSettings
from shipyard.uploads.sizes import parse_size


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """Bounds on one multipart request, in bytes and counts."""

    max_file_size: int
    max_request_size: int
    max_files: int
    max_fields: int
    max_field_size: int
    max_header_size: int
    temp_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: UploadSettings, root: Path) -> UploadLimits:
        """The app-wide limits; a relative ``temp_dir`` is under the app's ``root``."""
        return cls(
            max_file_size=settings.max_file_size,
            max_request_size=settings.max_request_size,
            max_files=settings.max_files,
            max_fields=settings.max_fields,
            max_field_size=settings.max_field_size,
            max_header_size=settings.max_header_size,
            temp_dir=root / settings.temp_dir if settings.temp_dir else None,
        )

    def narrowed(
        self,
        *,
        max_size: int | str | None = None,
        max_request_size: int | str | None = None,
        max_files: int | None = None,
        max_fields: int | None = None,
        max_field_size: int | str | None = None,
    ) -> UploadLimits:
        """These limits with a route's own values in place of the ones it gives."""
        changes: dict[str, Any] = {}
        if max_size is not None:
            changes["max_file_size"] = parse_size(max_size)
        if max_request_size is not None:
            changes["max_request_size"] = parse_size(max_request_size)
        if max_files is not None:
            changes["max_files"] = max_files
        if max_fields is not None:
            changes["max_fields"] = max_fields
        if max_field_size is not None:
            changes["max_field_size"] = parse_size(max_field_size)
        return replace(self, **changes) if changes else self
