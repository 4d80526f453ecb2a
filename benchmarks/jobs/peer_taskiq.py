"""taskiq with taskiq-redis's ``ListQueueBroker``: ``kiq`` one job at a time (no bulk
call); its receiver (what ``taskiq worker`` runs) in one process, ``max_async_tasks=10``.
"""

from __future__ import annotations

import asyncio

from taskiq.api import run_receiver_task
from taskiq_redis import ListQueueBroker

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter

broker = ListQueueBroker(probe.bench_redis_url())


@broker.task(task_name="noop")
async def noop(sent: float) -> None:
    """The benchmark's no-op job."""
    probe.hit(sent)


class Taskiq(Adapter):
    """taskiq on a Redis list in the benchmark's Redis database."""

    name = "taskiq"
    library = "taskiq"
    worker = f"taskiq receiver, asyncio, max_async_tasks={CONCURRENCY}"

    async def open(self) -> None:
        await broker.startup()

    async def close(self) -> None:
        await broker.shutdown()

    async def enqueue(self, sent: float) -> None:
        await noop.kiq(sent)

    def work(self) -> None:
        async def main() -> None:
            broker.is_worker_process = True
            await broker.startup()
            await run_receiver_task(broker, max_async_tasks=CONCURRENCY)

        asyncio.run(main())
