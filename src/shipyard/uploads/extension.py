"""The uploads extension: the progress event stream, direct uploads, the drop zone's
template global, checks.

``UploadsExtension(prefix="/uploads")`` serves ``GET /uploads/progress/<upload id>``, an
event stream of that upload's ``progress`` events (see :mod:`.progress`; it needs the
realtime extension), and tells templates the prefix (``uploads_prefix``) so the drop
zone macro can point at it. With ``direct=True`` it also serves ``POST /uploads/direct``,
the first step of a direct upload (:mod:`.direct`; it needs the storage and attachments
extensions). Routes take uploads with :class:`~.dependency.Upload`, with or without this
extension.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from shipyard.attachments.extension import AttachmentsExtension
from shipyard.core.app import AppBase
from shipyard.core.checks import Finding
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.realtime.events import Event
from shipyard.realtime.hub import REALTIME, get_realtime
from shipyard.realtime.sse import EventStream, last_event_id
from shipyard.uploads.direct import DirectUploadTarget, create_direct_upload
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
    """Live upload progress over Server-Sent Events, direct uploads, the uploads checks."""

    name = "uploads"

    def __init__(self, *, prefix: str = "/uploads", direct: bool = False) -> None:
        self.prefix = prefix.rstrip("/")
        self.direct = direct

    def setup(self, app: AppBase) -> None:
        router = APIRouter()
        router.add_api_route(
            "/progress/{upload_id}",
            upload_progress,
            methods=["GET"],
            response_class=EventStream,
            include_in_schema=False,
        )
        if self.direct:
            router.add_api_route(
                "/direct",
                create_direct_upload,
                methods=["POST"],
                name="shipyard.uploads.direct",
                response_model=DirectUploadTarget,
                status_code=201,
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
        if self.direct and app.find_extension(AttachmentsExtension) is None:
            yield Finding(
                "uploads.E002",
                "error",
                "direct uploads need the attachments extension (their pending blobs)",
                "add StorageExtension() and AttachmentsExtension() to the app's extensions",
            )
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
