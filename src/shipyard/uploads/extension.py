"""The uploads extension: the progress event stream, the drop zone's template global, checks.

``UploadsExtension(prefix="/uploads")`` serves ``GET /uploads/progress/<upload id>``, an
event stream of that upload's ``progress`` events (see :mod:`.progress`; it needs the
realtime extension), and tells templates the prefix (``uploads_prefix``) so the drop
zone macro can point at it. Routes take uploads with :class:`~.dependency.Upload`, with
or without this extension.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from shipyard.core.app import AppBase
from shipyard.core.checks import Finding
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.realtime.events import Event
from shipyard.realtime.hub import REALTIME, get_realtime
from shipyard.realtime.sse import EventStream, last_event_id
from shipyard.uploads.progress import (
    PROGRESS_PUBLISHER,
    UPLOAD_ID,
    ProgressPublisher,
    progress_channel,
)
from shipyard.uploads.scan import Clamd
from shipyard.web.templates import register_template_global


async def upload_progress(request: Request, upload_id: str) -> EventStream:
    """The progress events of one upload, as Server-Sent Events."""
    if not UPLOAD_ID.fullmatch(upload_id):
        raise HTTPException(400, "An upload id is 16 to 64 letters, digits, '-' or '_'.")
    realtime = get_realtime(request.app)
    return realtime.stream(progress_channel(upload_id), last_event_id=last_event_id(request))


class UploadsExtension(Extension):
    """Live upload progress over Server-Sent Events, and the uploads checks."""

    name = "uploads"

    def __init__(self, *, prefix: str = "/uploads") -> None:
        self.prefix = prefix.rstrip("/")

    def setup(self, app: AppBase) -> None:
        router = APIRouter()
        router.add_api_route(
            "/progress/{upload_id}",
            upload_progress,
            methods=["GET"],
            response_class=EventStream,
            include_in_schema=False,
        )
        app.include_router(router, prefix=self.prefix)
        register_template_global(app, "uploads_prefix", self.prefix)

        async def send(channel: str, data: dict[str, Any]) -> None:
            realtime = REALTIME.find(app)
            if realtime is not None:  # no realtime extension: nobody could listen
                await realtime.publish(channel, Event.json(data, "progress"))

        PROGRESS_PUBLISHER.provide(app, ProgressPublisher(send))

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        settings = app.settings.uploads
        if settings.clamd is not None:
            try:
                Clamd(settings.clamd)
            except ShipyardError as error:
                yield Finding("uploads.E001", "error", str(error), error.hint or "")
        elif deploy:
            yield Finding(
                "uploads.W001",
                "warning",
                "uploads.clamd is not set: uploaded files are not scanned for viruses",
                'set uploads.clamd = "unix:/run/clamav/clamd.ctl" (Debian\'s clamav-daemon)',
            )
