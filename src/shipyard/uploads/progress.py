"""Live progress of one upload, published on the realtime broker as it happens.

The browser names its upload with a random id (``X-Upload-Id`` header, 16 to 64 URL-safe
characters) and listens to ``GET <prefix>/progress/<id>`` (an event stream, see
:mod:`.extension`); the server publishes ``progress`` events on the channel
``record:upload:<id>``, whose JSON data is ``{"state", "received", "total"}`` with
``state`` one of ``receiving``, ``scanning``, ``processing``, ``done`` or ``failed``
(then with a ``message``). ``receiving`` events are at most one per
``uploads.progress_interval`` seconds. The id is the capability: only who chose it
knows it. The :class:`~shipyard.uploads.extension.UploadsExtension` provides the
publisher (:data:`PROGRESS_PUBLISHER`, on the realtime broker): without it, or without
an id, nothing is published. This module does not import ``shipyard.realtime``, so forms
(a lower layer) can read uploads.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

from shipyard.core.services import Service


class ProgressPublisher:
    """Publishes one ``progress`` event's JSON data on a channel: ``send(channel, data)``."""

    def __init__(self, send: Callable[[str, dict[str, Any]], Awaitable[None]]) -> None:
        self.send = send


PROGRESS_PUBLISHER = Service("upload_progress_publisher", ProgressPublisher, "progress publisher")

UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
HEADER = "x-upload-id"


def progress_channel(upload_id: str) -> str:
    """The channel the progress of upload ``upload_id`` is published on."""
    return f"record:upload:{upload_id}"


class UploadProgress:
    """Publishes one upload's states; does nothing when there is no one to tell."""

    def __init__(
        self,
        publisher: ProgressPublisher | None,
        upload_id: str | None,
        total: int | None,
        interval: float,
    ) -> None:
        self.publisher = publisher if upload_id else None
        self.channel = progress_channel(upload_id) if upload_id else ""
        self.total = total
        self.interval = interval
        self.received = 0
        self._last = 0.0

    @classmethod
    def of(cls, request: Request, interval: float) -> UploadProgress:
        """The progress of ``request``'s upload (named by its ``X-Upload-Id``)."""
        upload_id = request.headers.get(HEADER)
        if upload_id is not None and not UPLOAD_ID.fullmatch(upload_id):
            upload_id = None
        length = request.headers.get("content-length", "")
        total = int(length) if length.isdigit() and len(length) <= 15 else None
        return cls(PROGRESS_PUBLISHER.find(request.app), upload_id, total, interval)

    async def receiving(self, received: int) -> None:
        """``received`` body bytes are in (published when ``interval`` has passed)."""
        self.received = received
        now = time.monotonic()
        if now - self._last >= self.interval or received == self.total:
            self._last = now
            await self.state("receiving")

    async def state(self, state: str, **extra: Any) -> None:
        """Publish ``state`` with the byte counts and ``extra`` fields."""
        if self.publisher is None:
            return
        payload = {"state": state, "received": self.received, "total": self.total, **extra}
        await self.publisher.send(self.channel, payload)
