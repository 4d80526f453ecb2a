"""The realtime WebSocket: JSON messages routed by ``type``, subscriptions, backpressure.

Every message is a JSON object with a ``type``. Built in:

- ``{"type": "ping"}`` is answered ``{"type": "pong"}``;
- ``{"type": "subscribe", "channel": "topic:fleet", "last_event_id": "..."}`` (the id is
  optional) is answered ``subscribed`` or ``error``, then each event of the channel
  arrives as ``{"type": "event", "channel", "id", "event", "data"}``;
- ``{"type": "unsubscribe", "channel": ...}`` stops it.

An app adds its own types with :func:`on_message`; a handler gets the
:class:`RealtimeSocket` (its ``identity``, ``send``) and the message. Unknown types and
malformed JSON are answered with an ``error`` message; a message over
``realtime.max_message_size`` closes the socket with 1009. Outgoing messages wait in a
bounded queue (``realtime.queue_size``): a client that does not read them is closed with
:data:`CLOSE_TOO_SLOW` rather than buffered without bound. On server shutdown sockets are
closed with 1012 (service restart), so clients reconnect elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.websockets import WebSocket, WebSocketDisconnect

from shipyard.auth.identity import Identity
from shipyard.core.services import Service
from shipyard.realtime.access import connection_identity, origin_allowed, refused_channels
from shipyard.realtime.broker import SubscriberTooSlow, Subscription
from shipyard.realtime.channels import CHANNEL
from shipyard.realtime.connections import counted
from shipyard.realtime.hub import Realtime, get_realtime
from shipyard.realtime.sse import LAST_EVENT_ID
from shipyard.realtime.tickets import ticket_refused

logger = logging.getLogger("shipyard.realtime")

CLOSE_POLICY = 1008
"""Refused: a foreign ``Origin``."""
CLOSE_TOO_BIG = 1009
CLOSE_RESTART = 1012
"""The server is stopping: reconnect (to another worker)."""
CLOSE_TOO_SLOW = 4008
"""The client did not read its messages fast enough and was dropped."""
MAX_SUBSCRIPTIONS = 20

Handler = Callable[["RealtimeSocket", dict[str, Any]], Awaitable[None]]


class MessageHandlers(dict[str, Handler]):
    """One app's WebSocket message handlers by ``type``."""


MESSAGE_HANDLERS = Service("realtime_handlers", MessageHandlers, "WebSocket message handlers")


def on_message(app: Starlette, kind: str) -> Callable[[Handler], Handler]:
    """Decorator: handle WebSocket messages of ``type`` ``kind`` on ``app``."""

    def register(handler: Handler) -> Handler:
        MESSAGE_HANDLERS.get_or_create(app, MessageHandlers)[kind] = handler
        return handler

    return register


class SlowClient(Exception):
    """The outgoing queue is full."""


class RealtimeSocket:
    """One accepted WebSocket: its identity, its outbox and its subscriptions."""

    def __init__(self, websocket: WebSocket, identity: Identity | None, realtime: Realtime):
        self.websocket = websocket
        self.identity = identity
        self.realtime = realtime
        self.outbox: asyncio.Queue[str] = asyncio.Queue(realtime.settings.queue_size)
        self.subscriptions: dict[str, asyncio.Task[None]] = {}
        self.slow = asyncio.Event()

    def send(self, message: dict[str, Any]) -> None:
        """Queue ``message``; a full queue marks the client too slow (it gets closed)."""
        try:
            self.outbox.put_nowait(json.dumps(message, separators=(",", ":")))
        except asyncio.QueueFull:
            self.slow.set()

    def error(self, detail: str) -> None:
        """Answer with an ``error`` message."""
        self.send({"type": "error", "detail": detail})

    async def subscribe(self, message: dict[str, Any]) -> None:
        """The built-in ``subscribe`` message."""
        channel = message.get("channel")
        last_id = message.get("last_event_id")
        if not isinstance(channel, str) or not CHANNEL.fullmatch(channel):
            self.error("subscribe needs a valid channel name")
            return
        if last_id is not None and not (
            isinstance(last_id, str) and LAST_EVENT_ID.fullmatch(last_id)
        ):
            self.error("last_event_id is not an event id of this server")
            return
        if channel in self.subscriptions:
            self.send({"type": "subscribed", "channel": channel})
            return
        if len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            self.error(f"at most {MAX_SUBSCRIPTIONS} subscriptions per socket")
            return
        if await refused_channels(self.websocket, self.identity, [channel]):
            self.send(
                {
                    "type": "error",
                    "detail": f"you may not subscribe to {channel}",
                    "channel": channel,
                }
            )
            return
        subscription = self.realtime.broker.subscribe(channel, last_event_id=last_id).open()
        self.subscriptions[channel] = asyncio.create_task(self._forward(subscription))
        self.send({"type": "subscribed", "channel": channel})

    async def _forward(self, subscription: Subscription) -> None:
        try:
            async for event in subscription:
                self.send(
                    {
                        "type": "event",
                        "channel": event.channel,
                        "id": event.id,
                        "event": event.event,
                        "data": event.data,
                    }
                )
        except SubscriberTooSlow:
            self.slow.set()
        finally:
            await subscription.aclose()

    def unsubscribe(self, message: dict[str, Any]) -> None:
        """The built-in ``unsubscribe`` message."""
        task = self.subscriptions.pop(str(message.get("channel")), None)
        if task is not None:
            task.cancel()
        self.send({"type": "unsubscribed", "channel": message.get("channel")})

    async def dispatch(self, text: str) -> None:
        """Route one incoming message by its type."""
        try:
            message = json.loads(text)
        except ValueError:
            self.error("messages are JSON objects")
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if not isinstance(kind, str):
            self.error('messages are JSON objects with a "type"')
            return
        if kind == "ping":
            self.send({"type": "pong"})
        elif kind == "subscribe":
            await self.subscribe(message)
        elif kind == "unsubscribe":
            self.unsubscribe(message)
        else:
            handlers = MESSAGE_HANDLERS.find(self.websocket.app) or MessageHandlers()
            handler = handlers.get(kind)
            if handler is None:
                self.error(f"unknown message type {kind[:40]!r}")
                return
            try:
                await handler(self, message)
            except Exception:  # the app's handler failed: log it, keep the socket
                logger.exception("the WebSocket handler of %r failed", kind)
                self.error(f"the server could not handle a {kind[:40]!r} message")

    def close_subscriptions(self) -> None:
        """Cancel every forwarding task."""
        for task in self.subscriptions.values():
            task.cancel()
        self.subscriptions.clear()


async def realtime_websocket(websocket: WebSocket) -> None:
    """The endpoint: check the Origin, authenticate, then serve messages until closed."""
    if not origin_allowed(websocket):
        await websocket.close(CLOSE_POLICY, "origin not allowed")
        return
    realtime = get_realtime(websocket.app)
    identity = await connection_identity(websocket)
    if ticket_refused(websocket, identity):
        await websocket.close(CLOSE_POLICY, "the ticket is invalid, expired or used; get a new one")
        return
    await websocket.accept()
    socket = RealtimeSocket(websocket, identity, realtime)
    code, reason = 1000, ""
    limit = realtime.settings.max_message_size

    async def read() -> None:
        nonlocal code, reason
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                code = 0
                return
            text = message.get("text")
            if text is None:
                text = (message.get("bytes") or b"").decode("utf-8", "replace")
            if len(text.encode()) > limit:
                code, reason = CLOSE_TOO_BIG, f"messages are limited to {limit} bytes"
                return
            await socket.dispatch(text)

    async def write() -> None:
        while True:
            await websocket.send_text(await socket.outbox.get())

    async def watch(event: asyncio.Event, close: tuple[int, str]) -> None:
        nonlocal code, reason
        await event.wait()
        code, reason = close

    try:
        with counted("websocket"):
            async with anyio.create_task_group() as group:

                async def until(job: Awaitable[None]) -> None:
                    with contextlib.suppress(WebSocketDisconnect, OSError):
                        await job
                    group.cancel_scope.cancel()

                group.start_soon(until, read())
                group.start_soon(until, write())
                group.start_soon(until, watch(socket.slow, (CLOSE_TOO_SLOW, "client too slow")))
                group.start_soon(
                    until, watch(realtime.shutdown.event, (CLOSE_RESTART, "server shutting down"))
                )
    finally:
        socket.close_subscriptions()
    if code:
        with contextlib.suppress(Exception):
            await websocket.close(code, reason)
