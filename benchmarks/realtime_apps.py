"""The two apps of the realtime benchmark: the same stream and publish endpoint each.

* ``shipyard``: :class:`~shipyard.realtime.RealtimeExtension` on the memory broker; the
  stream is ``GET /events`` (the extension's route under the prefix ``""``), the channel
  ``topic:bench``, open to everyone.
* ``baseline``: FastAPI with ``sse-starlette``'s ``EventSourceResponse`` and
  ``broadcaster``'s in-memory ``Broadcast``, the peers the issue names; its stream first
  sends a ``ready`` event once subscribed (Shipyard's subscribes before the response).

Both take ``POST /publish?data=...`` and send ``data`` as a ``tick`` event to every
stream. Serve either with ``uvicorn --factory benchmarks.realtime_apps:<name>``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from broadcaster import Broadcast
from fastapi import FastAPI, Request
from pydantic import SecretStr
from sse_starlette import EventSourceResponse

from shipyard import App, Settings
from shipyard.config.models import DatabaseSettings, RateLimitSettings
from shipyard.realtime import Event, RealtimeExtension, channel_rules, get_realtime

CHANNEL = "topic:bench"
STREAM_PATH = {"shipyard": f"/events?channel={CHANNEL}", "baseline": "/events"}


def shipyard() -> App:
    """Shipyard's realtime extension, memory broker, one public topic."""
    settings = Settings(
        profile="test",
        database=DatabaseSettings(url=SecretStr("sqlite+aiosqlite:///:memory:")),
        ratelimit=RateLimitSettings(enabled=False),
    )
    app = App(settings=settings, extensions=[RealtimeExtension(prefix="")])
    channel_rules(app).allow("topic", lambda identity, channel: channel == CHANNEL)

    @app.post("/publish")
    async def publish(request: Request, data: str) -> dict[str, str]:
        return {"id": (await get_realtime(request.app).publish(CHANNEL, Event(data, "tick"))).id}

    return app


def baseline() -> FastAPI:
    """sse-starlette + broadcaster (memory), the same endpoints."""
    broadcast = Broadcast("memory://")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await broadcast.connect()
        yield
        await broadcast.disconnect()

    app = FastAPI(lifespan=lifespan)

    @app.get("/events")
    async def events() -> EventSourceResponse:
        async def ticks() -> AsyncIterator[dict[str, Any]]:
            async with broadcast.subscribe(channel=CHANNEL) as subscriber:
                yield {"event": "ready", "data": "subscribed"}
                async for message in subscriber:  # type: ignore[union-attr]
                    if message is not None:
                        yield {"event": "tick", "data": message.message}

        return EventSourceResponse(ticks(), ping=15)

    @app.post("/publish")
    async def publish(data: str) -> dict[str, str]:
        await broadcast.publish(channel=CHANNEL, message=data)
        return {"id": data}

    return app
