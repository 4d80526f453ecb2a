"""procrastinate on PostgreSQL (psycopg 3): ``defer_async`` one at a time, bulk
``batch_defer_async``; its worker with ``concurrency=10`` (LISTEN/NOTIFY wake-ups).
"""

from __future__ import annotations

import asyncio

import procrastinate
from procrastinate.types import JSONDict

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter
from benchmarks.jobs.stores import libpq_url

app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=libpq_url()))


@app.task(name="noop")
async def noop(sent: float) -> None:
    """The benchmark's no-op job."""
    probe.hit(sent)


class Procrastinate(Adapter):
    """procrastinate in the benchmark's PostgreSQL database."""

    name = "procrastinate"
    library = "procrastinate"
    store = "postgresql"
    bulk = "batch_defer_async"
    worker = f"procrastinate worker, asyncio, concurrency={CONCURRENCY}"

    async def open(self) -> None:
        await app.open_async()
        await app.schema_manager.apply_schema_async()  # the driver wiped the schema

    async def close(self) -> None:
        await app.close_async()

    async def enqueue(self, sent: float) -> None:
        await noop.defer_async(sent=sent)

    async def enqueue_bulk(self, count: int) -> None:
        arguments: list[JSONDict] = [{"sent": 0.0} for _ in range(count)]
        await noop.batch_defer_async(*arguments)

    def work(self) -> None:
        async def main() -> None:
            async with app.open_async():
                await app.run_worker_async(concurrency=CONCURRENCY)

        asyncio.run(main())
