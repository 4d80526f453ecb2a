"""arq: ``enqueue_job`` one job at a time (no bulk call); its ``Worker`` with ``max_jobs=10``.

Defaults kept: ``poll_delay`` 0.5 s (arq polls its queue; there is no blocking wake-up)
and ``keep_result`` 3600 s (every job also writes its result).
"""

from __future__ import annotations

from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter


async def noop(ctx: dict[str, Any], sent: float) -> None:
    """The benchmark's no-op job."""
    probe.hit(sent)


class Arq(Adapter):
    """arq on the benchmark's Redis database."""

    name = "arq"
    library = "arq"
    worker = f"arq Worker, asyncio, max_jobs={CONCURRENCY}, poll_delay=0.5 s (default)"
    pool: ArqRedis

    @staticmethod
    def settings() -> RedisSettings:
        """arq's connection settings for the benchmark's Redis URL."""
        return RedisSettings.from_dsn(probe.bench_redis_url())

    async def open(self) -> None:
        self.pool = await create_pool(self.settings())

    async def close(self) -> None:
        await self.pool.aclose()

    async def enqueue(self, sent: float) -> None:
        await self.pool.enqueue_job("noop", sent)

    def work(self) -> None:
        Worker(functions=[noop], redis_settings=self.settings(), max_jobs=CONCURRENCY).run()
