"""SAQ: ``Queue.enqueue`` one job at a time (no bulk call); its ``Worker``, concurrency 10."""

from __future__ import annotations

import asyncio
from typing import Any

from saq import Queue, Worker

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter


async def noop(ctx: Any, *, sent: float) -> None:
    """The benchmark's no-op job."""
    probe.hit(sent)


class Saq(Adapter):
    """SAQ's Redis queue on the benchmark's Redis database."""

    name = "saq"
    library = "saq"
    worker = f"saq Worker, asyncio, concurrency={CONCURRENCY}"
    queue: Queue

    async def open(self) -> None:
        self.queue = Queue.from_url(probe.bench_redis_url())
        await self.queue.connect()

    async def close(self) -> None:
        await self.queue.disconnect()

    async def enqueue(self, sent: float) -> None:
        await self.queue.enqueue("noop", sent=sent)

    def work(self) -> None:
        async def main() -> None:
            await self.open()
            await Worker(self.queue, functions=[noop], concurrency=CONCURRENCY).start()

        asyncio.run(main())
