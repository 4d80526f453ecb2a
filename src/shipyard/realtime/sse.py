"""Server-Sent Events: :class:`EventStream`, a response streaming an async iterable.

::

    @app.get("/clock")
    async def clock() -> EventStream:
        async def ticks() -> AsyncIterator[Event]:
            while True:
                yield Event(datetime.now().isoformat(), "tick")
                await asyncio.sleep(1)
        return EventStream(ticks())

The stream starts with the client's reconnection delay (``retry:``), writes each event
with its ``id:`` (when it has one, so the browser resumes with ``Last-Event-ID``) and
sends a comment every ``heartbeat`` seconds so proxies keep the connection open and a
gone client is noticed. When the client goes away the source is cancelled and closed
(its ``finally`` blocks run); when ``shutdown`` is set (the server is stopping) the
stream sends a last ``shutdown`` event and ends, so the browser reconnects, to another
worker. It is a plain ASGI response: nothing else runs per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterable, Awaitable, Callable, Mapping

import anyio
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from shipyard.errors import ShipyardError
from shipyard.realtime.connections import counted
from shipyard.realtime.events import Event

logger = logging.getLogger("shipyard.realtime")

Writer = Callable[[bytes], Awaitable[None]]
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
LAST_EVENT_ID = re.compile(r"[0-9]{20}-[0-9a-f]{8}")
SHUTDOWN_EVENT = Event("server shutting down; reconnect", "shutdown")
"""The last event of every stream when the server stops."""


class InvalidLastEventId(ShipyardError):
    """A ``Last-Event-ID`` that is not an id this framework issued."""


def last_event_id(connection: HTTPConnection) -> str | None:
    """The client's ``Last-Event-ID`` header, checked; None when it sent none."""
    value = connection.headers.get("last-event-id")
    if value is None or value == "":
        return None
    if not LAST_EVENT_ID.fullmatch(value):
        raise InvalidLastEventId(
            "the Last-Event-ID header is not an event id of this server",
            hint="send back the id of the last event received, or no header",
        )
    return value


def _field(value: str) -> str:
    """A single-line field value (a name or id cannot break the framing)."""
    return _LINE_BREAKS.sub(" ", value)


def format_event(event: Event) -> bytes:
    """``event`` in the ``text/event-stream`` format, ending with its blank line."""
    lines = []
    if event.id:
        lines.append(f"id: {_field(event.id)}")
    if event.event != "message":
        lines.append(f"event: {_field(event.event)}")
    lines.extend(f"data: {line}" for line in _LINE_BREAKS.split(event.data))
    return ("\n".join(lines) + "\n\n").encode()


class EventStream(Response):
    """A ``text/event-stream`` response of ``events``; see the module docstring."""

    media_type = "text/event-stream"

    def __init__(
        self,
        events: AsyncIterable[Event],
        *,
        heartbeat: float = 15.0,
        retry_ms: int | None = 3000,
        shutdown: asyncio.Event | None = None,
        headers: Mapping[str, str] | None = None,
        status_code: int = 200,
    ) -> None:
        self.status_code = status_code
        self.background = None
        self.events = events
        self.heartbeat = heartbeat
        self.retry_ms = retry_ms
        self.shutdown = shutdown
        self.init_headers(
            {"Cache-Control": "no-store", "X-Accel-Buffering": "no", **(headers or {})}
        )
        self.ended_by = ""
        """Why the stream ended: ``source``, ``disconnect``, ``shutdown`` or ``error``."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with counted("sse"):
            await self._stream(receive, send)

    async def _stream(self, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        lock = anyio.Lock()

        async def write(chunk: bytes) -> None:
            async with lock:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})

        try:
            if self.retry_ms is not None:
                await write(f"retry: {self.retry_ms}\n\n".encode())
            async with anyio.create_task_group() as group:
                group.start_soon(self._pump, write, group.cancel_scope)
                group.start_soon(self._beat, write, group.cancel_scope)
                group.start_soon(self._watch_client, receive, group.cancel_scope)
                if self.shutdown is not None:
                    group.start_soon(self._watch_shutdown, self.shutdown, group.cancel_scope)
        except OSError:
            self.ended_by = "disconnect"
        finally:
            closer = getattr(self.events, "aclose", None)
            if closer is not None:
                with anyio.CancelScope(shield=True), contextlib.suppress(RuntimeError):
                    await closer()
        if self.ended_by == "disconnect":
            return
        with contextlib.suppress(OSError):
            if self.ended_by == "shutdown":
                await write(format_event(SHUTDOWN_EVENT))
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _pump(self, write: Writer, scope: anyio.CancelScope) -> None:
        try:
            async for event in self.events:
                await write(format_event(event))
        except OSError:  # the client went away while we wrote
            self.ended_by = self.ended_by or "disconnect"
            scope.cancel()
            return
        except Exception as error:  # the response has started: end it, and say why in the log
            logger.warning("an event stream ended on %s: %s", type(error).__name__, error)
            self.ended_by = self.ended_by or "error"
            scope.cancel()
            return
        self.ended_by = self.ended_by or "source"
        scope.cancel()

    async def _beat(self, write: Writer, scope: anyio.CancelScope) -> None:
        while True:
            await anyio.sleep(self.heartbeat)
            try:
                await write(b": keep-alive\n\n")
            except OSError:  # the client went away: a heartbeat is how we learn it
                self.ended_by = self.ended_by or "disconnect"
                scope.cancel()
                return

    async def _watch_client(self, receive: Receive, scope: anyio.CancelScope) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.ended_by = self.ended_by or "disconnect"
                scope.cancel()
                return

    async def _watch_shutdown(self, shutdown: asyncio.Event, scope: anyio.CancelScope) -> None:
        await shutdown.wait()
        self.ended_by = self.ended_by or "shutdown"
        scope.cancel()
