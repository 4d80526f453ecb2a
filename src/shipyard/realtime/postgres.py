"""The PostgreSQL backend: ``NOTIFY`` on one channel, ``LISTEN`` in every process.

No server besides the app's PostgreSQL: each process keeps one asyncpg connection that
LISTENs on the ``realtime.namespace`` channel and hands each notification to
:meth:`Broker.receive`, and publishes with ``pg_notify`` on a second connection. A lost
listening connection is re-opened with a growing pause. PostgreSQL caps a notification's
payload under 8000 bytes: larger events are refused when published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from shipyard.config.sections.realtime import RealtimeSettings
from shipyard.errors import ShipyardError
from shipyard.realtime.broker import Broker
from shipyard.realtime.events import EventTooLarge

logger = logging.getLogger("shipyard.realtime")

NOTIFY_LIMIT = 7999
"""The largest payload PostgreSQL's ``NOTIFY`` accepts, in bytes."""
MAX_BACKOFF = 5.0


def asyncpg_dsn(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL (``postgresql+asyncpg://``) as asyncpg's DSN."""
    scheme, separator, rest = url.partition("://")
    if not separator or not scheme.startswith(("postgresql", "postgres")):
        raise ShipyardError(
            "realtime.backend = postgres needs a PostgreSQL URL",
            hint="set realtime.postgres_url, or run the app's database on PostgreSQL",
        )
    return f"postgresql://{rest}"


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    """A termination listener that sets ``event``."""
    return lambda _connection: event.set()


class PostgresBroker(Broker):
    """Pub/sub over PostgreSQL ``LISTEN``/``NOTIFY``."""

    name = "postgres"

    def __init__(self, settings: RealtimeSettings, url: str) -> None:
        super().__init__(settings)
        self.channel = f"{settings.namespace}_realtime"
        self.dsn = asyncpg_dsn(url)
        self._publisher: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()
        self._supervisor: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._supervisor = asyncio.create_task(self._listen(), name="realtime LISTEN")
        await asyncio.wait_for(self._listening.wait(), timeout=10)

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: object) -> None:
        self.receive(str(payload))

    async def _listen(self) -> None:
        backoff = 0.1
        while not self.closed:
            lost = asyncio.Event()
            try:
                connection = await asyncpg.connect(self.dsn)
            except (OSError, asyncpg.PostgresError) as error:
                logger.warning("realtime: cannot LISTEN (%s); retrying", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            try:
                connection.add_termination_listener(_setter(lost))
                await connection.add_listener(self.channel, self._notified)
                self._listening.set()
                backoff = 0.1
                await lost.wait()
                logger.warning("realtime: the LISTEN connection was lost; reconnecting")
            finally:
                with contextlib.suppress(Exception):
                    await connection.close(timeout=2)

    async def _connection(self) -> asyncpg.Connection:
        if self._publisher is None or self._publisher.is_closed():
            self._publisher = await asyncpg.connect(self.dsn)
        return self._publisher

    async def transmit(self, text: str) -> None:
        if len(text.encode()) > NOTIFY_LIMIT:
            raise EventTooLarge(
                f"an event of {len(text.encode())} bytes is over PostgreSQL's NOTIFY limit",
                hint="publish a reference (an id, a URL) and let clients fetch the rest",
            )
        async with self._publish_lock:
            connection = await self._connection()
            await connection.execute("SELECT pg_notify($1, $2)", self.channel, text)

    async def ping(self) -> None:
        async with self._publish_lock:
            await (await self._connection()).execute("SELECT 1")

    async def close(self) -> None:
        await super().close()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        if self._publisher is not None:
            await self._publisher.close(timeout=2)
