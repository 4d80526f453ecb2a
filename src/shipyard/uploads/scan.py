"""Virus scanning with ClamAV: clamd's ``INSTREAM`` command over its socket.

:class:`Clamd` streams a file to the daemon in chunks (each a 4-byte big-endian length
and the bytes, then a zero length) read 1 chunk at a time from disk in a worker thread,
so a large file never sits in memory. The reply is ``stream: OK`` or
``stream: <signature> FOUND``. A connection that fails, times out or answers ``ERROR``
raises :class:`ScannerUnavailable`; what then happens to the upload is the
``uploads.when_scanner_down`` policy (:func:`scanner_down_policy`).

A small client of our own: the protocol is a dozen lines, and the PyPI clients
(``clamd``, ``pyclamd``: blocking and unmaintained; ``aioclamd``: young) would add a
dependency without removing any of them.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from typing import BinaryIO

import anyio
import anyio.abc
import anyio.to_thread

from shipyard.config.models import Settings
from shipyard.config.sections.uploads import UploadSettings
from shipyard.errors import ShipyardError

logger = logging.getLogger("shipyard.uploads")

_END = struct.pack(">I", 0)
_MAX_REPLY = 4096


class ScannerUnavailable(ShipyardError):
    """clamd could not be reached, timed out, or could not scan."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What clamd said about one stream: clean, or the signature it matched."""

    signature: str | None

    @property
    def clean(self) -> bool:
        return self.signature is None


class Clamd:
    """A clamd at ``unix:/path`` or ``tcp://host:port``."""

    def __init__(
        self, address: str, *, timeout: float = 60.0, chunk_size: int = 1024 * 1024
    ) -> None:
        self.address = address
        self.timeout = timeout
        self.chunk_size = chunk_size
        if address.startswith("unix:"):
            self._path: str | None = address.removeprefix("unix:")
            self._host, self._port = "", 0
        elif address.startswith("tcp://"):
            host, _, port = address.removeprefix("tcp://").rpartition(":")
            if not host or not port.isdigit():
                raise ShipyardError(
                    f"clamd address {address!r} has no host:port",
                    hint='write it like "tcp://127.0.0.1:3310" or "unix:/run/clamav/clamd.ctl"',
                )
            self._path, self._host, self._port = None, host.strip("[]"), int(port)
        else:
            raise ShipyardError(
                f"clamd address {address!r} is neither unix: nor tcp://",
                hint='write it like "tcp://127.0.0.1:3310" or "unix:/run/clamav/clamd.ctl"',
            )

    @classmethod
    def configured(cls, settings: UploadSettings) -> Clamd | None:
        """The scanner ``uploads.clamd`` names, None when it is not set."""
        if settings.clamd is None:
            return None
        return cls(
            settings.clamd, timeout=settings.scan_timeout, chunk_size=settings.scan_chunk_size
        )

    async def _connect(self) -> anyio.abc.ByteStream:
        if self._path is not None:
            return await anyio.connect_unix(self._path)
        return await anyio.connect_tcp(self._host, self._port)

    async def ping(self) -> None:
        """Raise :class:`ScannerUnavailable` unless clamd answers ``PONG``."""
        reply = await self._command(b"zPING\0")
        if reply != "PONG":
            raise ScannerUnavailable(f"clamd at {self.address} answered {reply!r} to PING")

    async def scan(self, file: BinaryIO) -> ScanResult:
        """Scan ``file`` from its start; its position is back at 0 afterwards."""
        reply = await self._command(b"zINSTREAM\0", file)
        if reply.endswith(" FOUND"):
            signature = reply.removeprefix("stream: ").removesuffix(" FOUND")
            return ScanResult(signature)
        if reply != "stream: OK":
            raise ScannerUnavailable(f"clamd at {self.address} could not scan: {reply!r}")
        return ScanResult(None)

    async def _command(self, command: bytes, file: BinaryIO | None = None) -> str:
        try:
            with anyio.fail_after(self.timeout):
                stream = await self._connect()
                async with stream:
                    await stream.send(command)
                    if file is not None:
                        await self._send_file(stream, file)
                    return await _reply(stream)
        except (OSError, TimeoutError, anyio.EndOfStream, anyio.BrokenResourceError) as exc:
            raise ScannerUnavailable(
                f"clamd at {self.address} is unreachable: {exc or type(exc).__name__}"
            ) from exc

    async def _send_file(self, stream: anyio.abc.ByteStream, file: BinaryIO) -> None:
        await anyio.to_thread.run_sync(file.seek, 0)
        try:
            while chunk := await anyio.to_thread.run_sync(file.read, self.chunk_size):
                await stream.send(struct.pack(">I", len(chunk)) + chunk)
            await stream.send(_END)
        except (anyio.BrokenResourceError, OSError):
            # clamd hangs up early when a stream is over its StreamMaxLength; its
            # reply says so (read below).
            pass
        finally:
            await anyio.to_thread.run_sync(file.seek, 0)


async def _reply(stream: anyio.abc.ByteStream) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < _MAX_REPLY:
        try:
            reply += await stream.receive()
        except anyio.EndOfStream:
            break
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scanner_down_policy(settings: Settings) -> str:
    """``fail_closed`` or ``allow``: the setting, else fail closed in production only."""
    chosen = settings.uploads.when_scanner_down
    if chosen is not None:
        return chosen
    return "fail_closed" if settings.is_production else "allow"
