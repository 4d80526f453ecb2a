"""Shipyard's own backends: :class:`RedisBackend` and :class:`DatabaseBackend` on PostgreSQL.

The worker is :class:`shipyard.jobs.Worker` with ``concurrency=10`` and default settings
(``lease_seconds`` 60, ``poll_interval`` 1 s; it wakes on the Redis ``signal`` stream or
PostgreSQL ``LISTEN/NOTIFY``); the bulk call is ``Jobs.enqueue_many``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter
from benchmarks.jobs.stores import bench_postgres_url
from shipyard.config.sections.core import DatabaseSettings
from shipyard.db.database import Database
from shipyard.jobs import Job, JobContext, Jobs
from shipyard.jobs.backend import JobBackend
from shipyard.jobs.database import DatabaseBackend
from shipyard.jobs.redis import RedisBackend
from shipyard.jobs.worker import Worker
from shipyard.testing.schema import create_schema


class Noop(Job):
    """The benchmark's no-op job."""

    name = "bench.noop"
    sent: float

    async def run(self, ctx: JobContext) -> None:
        probe.hit(self.sent)


class _Shipyard(Adapter):
    """A :class:`Jobs` service on one backend; subclasses build the backend."""

    library = "shipyard"
    bulk = "Jobs.enqueue_many"
    worker = f"shipyard.jobs.Worker, asyncio, concurrency={CONCURRENCY}"
    jobs: Jobs

    def backend(self) -> JobBackend:
        """The backend this system benchmarks."""
        raise NotImplementedError

    async def open(self) -> None:
        self.jobs = Jobs(self.backend())

    async def close(self) -> None:
        await self.jobs.close()

    async def enqueue(self, sent: float) -> None:
        await self.jobs.enqueue(Noop(sent=sent))

    async def enqueue_bulk(self, count: int) -> None:
        await self.jobs.enqueue_many([Noop(sent=0.0) for _ in range(count)])

    def work(self) -> None:
        async def main() -> None:
            await self.open()
            await Worker(self.jobs, concurrency=CONCURRENCY, cron=False).run()

        asyncio.run(main())


class ShipyardRedis(_Shipyard):
    """Shipyard's Redis backend (streams, Lua scripts)."""

    name = "shipyard-redis"

    def backend(self) -> JobBackend:
        return RedisBackend(probe.bench_redis_url())


class ShipyardDatabase(_Shipyard):
    """Shipyard's database backend on PostgreSQL (asyncpg, ``SKIP LOCKED``)."""

    name = "shipyard-db"
    store = "postgresql"

    def backend(self) -> JobBackend:
        settings = DatabaseSettings(url=SecretStr(bench_postgres_url()))
        self.database = Database(settings, Path.cwd())
        return DatabaseBackend(self.database)

    async def open(self) -> None:
        await super().open()
        await create_schema(self.database)

    async def close(self) -> None:
        await super().close()
        await self.database.dispose()
