"""An uploaded file, spooled to disk: :class:`UploadedFile`.

A subclass of FastAPI's ``UploadFile`` (so forms and code that take one take this), with
what the upload pipeline learnt while the bytes streamed in: the ``size``, the
``sha256``, the ``content_type`` decided from the magic numbers, a ``filename`` safe to
display. ``file`` is an anonymous temporary file on disk (seekable, deleted when closed,
even if the process dies). :meth:`UploadedFile.validate` refuses a file whose type is
not one of those accepted, or whose structure gives it away (see :mod:`.detect`).
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable
from typing import Any, BinaryIO

from fastapi import UploadFile
from starlette.datastructures import Headers

from shipyard.uploads.detect import EMPTY, EXECUTABLE, HEAD_SIZE, problems, sniff
from shipyard.uploads.errors import UploadRefused
from shipyard.uploads.filenames import safe_filename
from shipyard.uploads.sizes import human_size, parse_size


class UploadedFile(UploadFile):
    """One file of a multipart upload, on disk, with its checked facts."""

    def __init__(
        self,
        file: BinaryIO,
        *,
        field: str,
        filename: str,
        size: int,
        sha256: str,
        content_type: str,
        headers: Headers,
    ) -> None:
        super().__init__(file, size=size, filename=filename, headers=headers)
        self.field = field
        self.sha256 = sha256
        self.detected_type = content_type
        self.scanned = False

    @classmethod
    def from_local(cls, file: BinaryIO, filename: str, *, field: str = "file") -> UploadedFile:
        """An :class:`UploadedFile` of a local ``file`` (read once, 1 MiB at a time)."""
        hasher = hashlib.sha256()
        head = b""
        size = 0
        file.seek(0)
        while chunk := file.read(1024 * 1024):
            if not head:
                head = chunk[:HEAD_SIZE]
            hasher.update(chunk)
            size += len(chunk)
        file.seek(0)
        return cls(
            file,
            field=field,
            filename=safe_filename(filename),
            size=size,
            sha256=hasher.hexdigest(),
            content_type=sniff(head),
            headers=Headers(),
        )

    @property
    def content_type(self) -> str:  # type: ignore[override]  # never None here
        """The media type decided from the file's bytes (``client_type`` is the claim)."""
        return self.detected_type

    @property
    def client_type(self) -> str | None:
        """The ``Content-Type`` the client sent for this part: a claim, never trusted."""
        return self.headers.get("content-type")

    def validate(
        self,
        *,
        types: Iterable[str] | None = None,
        max_size: int | str | None = None,
        allow_empty: bool = False,
    ) -> UploadedFile:
        """This file if it passes; :class:`UploadRefused` (422, or 413 for size) if not.

        ``types`` are media types, ``image/*`` patterns allowed, matched against the
        type found in the bytes; an executable passes only when listed. The structure
        checks of :func:`shipyard.uploads.detect.problems` always run.
        """
        name = self.filename or "the file"
        if self.size == 0 and not allow_empty:
            raise self._refuse(422, f"{name} is empty.")
        if max_size is not None and (limit := parse_size(max_size)) < (self.size or 0):
            raise self._refuse(
                413, f"{name} is {human_size(self.size or 0)}; the limit is {human_size(limit)}."
            )
        accepted = list(types) if types is not None else None
        if accepted is not None and not _matches(self.content_type, accepted):
            raise self._refuse(
                422,
                f"{name} is {_kind(self.content_type)}, not one of "
                f"the accepted types ({', '.join(accepted)}).",
            )
        if self.content_type == EXECUTABLE and accepted is None:
            raise self._refuse(422, f"{name} is a program; programs are not accepted.")
        found = problems(self.file, self.size or 0, self.content_type)
        if found:
            raise self._refuse(422, f"{name} {' and '.join(found)}; it was refused.")
        return self

    def _refuse(self, status: int, detail: str) -> UploadRefused:
        return UploadRefused(status, detail, field=self.field)

    @classmethod
    def _validate(cls, __input_value: Any, _: Any) -> UploadedFile:
        # FastAPI's UploadFile schema calls this: only files of the upload pipeline pass.
        if not isinstance(__input_value, cls):
            raise ValueError("Expected a file received by shipyard.uploads")
        return __input_value


def _matches(media_type: str, accepted: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(media_type, pattern) for pattern in accepted)


def _kind(media_type: str) -> str:
    if media_type == EMPTY:
        return "empty"
    if media_type == EXECUTABLE:
        return "a program"
    return media_type
