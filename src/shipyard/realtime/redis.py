"""The Redis backend: every event is PUBLISHed on one Redis channel all processes read.

Each process holds one pub/sub connection subscribed to the ``realtime.namespace``
channel; a listener task hands what arrives to :meth:`Broker.receive`, reconnecting with
a growing pause (at most :data:`MAX_BACKOFF` seconds) when the connection drops. Events
published while a process was disconnected are lost for its subscribers, like any Redis
pub/sub message: their clients resume from another process's buffer, or reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shipyard.config.sections.realtime import RealtimeSettings
from shipyard.realtime.broker import Broker

logger = logging.getLogger("shipyard.realtime")

MAX_BACKOFF = 5.0


class RedisBroker(Broker):
    """Pub/sub over Redis ``PUBLISH``/``SUBSCRIBE``."""

    name = "redis"

    def __init__(self, settings: RealtimeSettings) -> None:
        super().__init__(settings)
        self.channel = f"{settings.namespace}:realtime"
        self._client: Redis = Redis.from_url(settings.redis_url.get_secret_value())
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen(), name="realtime redis listener")
        # Subscribed before the app serves, so nothing published after startup is missed.
        await asyncio.wait_for(self._subscribed.wait(), timeout=10)

    async def _listen(self) -> None:
        backoff = 0.1
        while not self.closed:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._subscribed.set()
                backoff = 0.1
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.receive(message["data"])
            except (RedisError, OSError) as error:
                logger.warning("realtime: Redis pub/sub connection lost (%s); reconnecting", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def transmit(self, text: str) -> None:
        await self._client.publish(self.channel, text)

    async def ping(self) -> None:
        await self._client.ping()  # type: ignore[misc]

    async def close(self) -> None:
        await super().close()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._client.aclose()
