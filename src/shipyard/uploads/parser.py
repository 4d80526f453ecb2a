"""Reading a multipart body as it arrives, files spooled to disk: :func:`read_upload`.

python-multipart's low-level ``MultipartParser`` cuts the stream into parts through
callbacks; this module turns its events into form fields (in memory, each capped) and
:class:`~shipyard.uploads.files.UploadedFile` s (anonymous temp files, written and hashed
in a worker thread 1 MiB at a time while the next MiB arrives, so a 1 GB upload holds
about 2 MiB of memory). Every limit of :class:`~shipyard.uploads.limits.UploadLimits` is
checked at the byte that crosses it; a refusal
(:class:`~shipyard.uploads.errors.UploadRefused`) closes, and so deletes, every temp file
the request made. A body that is not valid multipart (no
boundary, a part without ``Content-Disposition``, no closing boundary, a part header
block over ``max_header_size``) is a 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import tempfile
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO

import anyio.to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.requests import ClientDisconnect, Request

from shipyard.uploads.detect import HEAD_SIZE, sniff
from shipyard.uploads.errors import UploadRefused, malformed, too_large
from shipyard.uploads.filenames import safe_filename
from shipyard.uploads.files import UploadedFile
from shipyard.uploads.limits import UploadLimits
from shipyard.uploads.sizes import human_size

FLUSH_SIZE = 1024 * 1024
"""Bytes of a file gathered before one write (and hash update) in a worker thread."""

Progress = Callable[[int], Awaitable[None]]
"""Told the number of body bytes received so far, after each chunk."""

_Event = tuple[str, bytes]


def _write(file: BinaryIO, hasher: Any, data: bytes) -> None:
    hasher.update(data)  # hashlib and file writes release the GIL
    file.write(data)


class _Part:
    """The part being read: its headers, then its field value or its temp file."""

    def __init__(self, limits: UploadLimits) -> None:
        self.limits = limits
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.header_field = b""
        self.header_value = b""
        self.header_bytes = 0
        self.name = ""
        self.filename: str | None = None
        self.size = 0
        self.value = bytearray()
        self.file: BinaryIO | None = None
        self.hasher = hashlib.sha256()
        self.head = b""
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.writing: asyncio.Future[None] | None = None

    def header(self, kind: str, data: bytes) -> None:
        self.header_bytes += len(data)
        if self.header_bytes > self.limits.max_header_size:
            raise malformed(f"a part's headers are over {self.limits.max_header_size} bytes")
        if kind == "field":
            self.header_field += data
        else:
            self.header_value += data

    def end_header(self) -> None:
        self.raw_headers.append((self.header_field.lower(), self.header_value))
        self.header_field = self.header_value = b""

    def open(self) -> None:
        """Read ``Content-Disposition``; a file part gets its temp file."""
        disposition = dict(self.raw_headers).get(b"content-disposition")
        if disposition is None:
            raise malformed("a part has no Content-Disposition header")
        kind, options = parse_options_header(disposition)
        if kind != b"form-data" or b"name" not in options:
            raise malformed("a part's Content-Disposition is not form-data with a name")
        self.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            self.filename = options[b"filename"].decode("utf-8", "replace")
            directory = self.limits.temp_dir
            if directory is not None:
                directory.mkdir(parents=True, exist_ok=True)
            self.file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115  # closed by the form

    def add(self, data: bytes) -> None:
        self.size += len(data)
        if self.file is None:
            if self.size > self.limits.max_field_size:
                raise too_large(
                    f"The field {self.name!r} is over the limit of "
                    f"{human_size(self.limits.max_field_size)}.",
                    field=self.name,
                )
            self.value += data
            return
        if self.size > self.limits.max_file_size:
            raise too_large(
                f"{safe_filename(self.filename)} is over the limit of "
                f"{human_size(self.limits.max_file_size)} per file.",
                field=self.name,
            )
        if len(self.head) < HEAD_SIZE:
            self.head += data[: HEAD_SIZE - len(self.head)]
        self.pending.append(data)
        self.pending_size += len(data)

    async def flush(self, *, at_least: int = 0) -> None:
        """Hand the gathered bytes to a worker thread once there are ``at_least``.

        The write runs while the next bytes arrive; only one is in flight at a time.
        """
        if self.file is None or not self.pending or self.pending_size < at_least:
            return
        data = b"".join(self.pending)
        self.pending, self.pending_size = [], 0
        await self.settle()
        write = anyio.to_thread.run_sync(_write, self.file, self.hasher, data)
        self.writing = asyncio.ensure_future(write)

    async def settle(self) -> None:
        """Wait for the write in flight."""
        if self.writing is not None:
            writing, self.writing = self.writing, None
            await writing

    async def close(self) -> None:
        if self.writing is not None:
            with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                await self.settle()
        if self.file is not None:
            self.file.close()

    def item(self) -> tuple[str, str | UploadFile] | None:
        """The finished part as a form item; None for a browser's empty file input."""
        if self.file is None:
            try:
                return self.name, self.value.decode("utf-8")
            except UnicodeDecodeError:
                raise malformed(f"the field {self.name!r} is not UTF-8 text") from None
        if not self.filename and self.size == 0:
            self.file.close()
            return None
        self.file.seek(0)
        upload = UploadedFile(
            self.file,
            field=self.name,
            filename=safe_filename(self.filename),
            size=self.size,
            sha256=self.hasher.hexdigest(),
            content_type=sniff(self.head),
            headers=Headers(raw=self.raw_headers),
        )
        return self.name, upload


class _Reader:
    """One request's parse: python-multipart's callbacks queue events, then apply them."""

    def __init__(self, limits: UploadLimits) -> None:
        self.limits = limits
        self.events: list[_Event] = []
        self.items: list[tuple[str, str | UploadFile]] = []
        self.part: _Part | None = None
        self.files = 0
        self.fields = 0
        self.finished = False

    def callbacks(self) -> Any:
        def queue(kind: str) -> Callable[..., None]:
            def on(data: bytes | None = None, start: int = 0, end: int = 0) -> None:
                if data is None:
                    data = b""
                elif start or end != len(data):
                    data = data[start:end]
                self.events.append((kind, data))

            return on

        names = (
            "part_begin",
            "part_data",
            "part_end",
            "header_field",
            "header_value",
            "header_end",
            "headers_finished",
        )
        callbacks = {f"on_{name}": queue(name) for name in names}
        callbacks["on_end"] = self._on_end
        return callbacks

    def _on_end(self) -> None:
        self.finished = True

    async def apply(self) -> None:
        events, self.events = self.events, []
        for kind, data in events:
            await self._apply(kind, data)
        if self.part is not None:
            await self.part.flush(at_least=FLUSH_SIZE)

    async def _apply(self, kind: str, data: bytes) -> None:
        if kind == "part_begin":
            self.part = _Part(self.limits)
            return
        part = self.part
        if part is None:
            raise malformed("data outside of a part")
        if kind in ("header_field", "header_value"):
            part.header(kind.removeprefix("header_"), data)
        elif kind == "header_end":
            part.end_header()
        elif kind == "headers_finished":
            part.open()
            self._count(part)
        elif kind == "part_data":
            part.add(data)
        else:  # part_end
            await part.flush()
            await part.settle()
            self.part = None
            item = part.item()
            if item is not None:
                self.items.append(item)

    def _count(self, part: _Part) -> None:
        if part.file is not None:
            self.files += 1
            if self.files > self.limits.max_files:
                raise too_large(f"At most {self.limits.max_files} files may be sent at once.")
        else:
            self.fields += 1
            if self.fields > self.limits.max_fields:
                raise too_large(f"At most {self.limits.max_fields} fields may be sent at once.")

    async def close(self) -> None:
        if self.part is not None:
            await self.part.close()
        for _, value in self.items:
            if isinstance(value, UploadFile):
                value.file.close()


def _boundary(request: Request) -> bytes:
    media_type, options = parse_options_header(request.headers.get("content-type"))
    if media_type != b"multipart/form-data":
        shown = media_type.decode("latin-1")[:60] or "a body without a Content-Type"
        raise UploadRefused(415, f"This endpoint takes multipart/form-data uploads, not {shown}.")
    boundary = options.get(b"boundary", b"")
    if not boundary or len(boundary) > 200:
        raise malformed("the Content-Type has no valid multipart boundary")
    return boundary


def _declared(request: Request, limits: UploadLimits) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    if not raw.isdigit():
        raise malformed(f"invalid Content-Length {raw[:40]!r}")
    if len(raw) > 15 or int(raw) > limits.max_request_size:
        raise too_large(
            f"The upload is {raw} bytes; the limit is {human_size(limits.max_request_size)}."
        )
    return int(raw)


async def read_upload(
    request: Request, limits: UploadLimits, *, progress: Progress | None = None
) -> FormData:
    """The fields and files of ``request``'s multipart body, read as it streams in.

    Files are :class:`UploadedFile` s; closing the returned form deletes them. Raises
    :class:`UploadRefused` (415, 413 or 400) with every temp file already deleted.
    """
    boundary = _boundary(request)
    _declared(request, limits)
    reader = _Reader(limits)
    parser = MultipartParser(boundary, reader.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            if not chunk:
                continue
            received += len(chunk)
            if received > limits.max_request_size:
                raise too_large(
                    f"The upload is over the limit of {human_size(limits.max_request_size)}."
                )
            parser.write(chunk)
            await reader.apply()
            if progress is not None:
                await progress(received)
        parser.finalize()
        await reader.apply()
        if not reader.finished:
            raise malformed("the body ended before its closing boundary")
    except MultipartParseError as exc:
        await reader.close()
        raise malformed(str(exc)) from None
    except ClientDisconnect:
        await reader.close()
        raise UploadRefused(400, "The client went away during the upload.", unread=True) from None
    except BaseException:
        await reader.close()
        raise
    return FormData(reader.items)
