"""Celery with the Redis broker: ``apply_async`` one job at a time (no bulk call: a group
publishes one message per task); its worker in one process, thread pool of 10, no result
backend.
"""

from __future__ import annotations

from celery import Celery as CeleryApp

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter

app = CeleryApp("bench", broker=probe.bench_redis_url())
app.conf.update(task_ignore_result=True, broker_connection_retry_on_startup=True)


@app.task(name="noop")  # type: ignore[untyped-decorator]
def noop(sent: float) -> None:
    """The benchmark's no-op job."""
    probe.hit(sent)


class Celery(Adapter):
    """Celery on the benchmark's Redis database."""

    name = "celery"
    library = "celery"
    worker = f"celery worker, 1 process, --pool threads --concurrency {CONCURRENCY}"

    async def enqueue(self, sent: float) -> None:
        noop.apply_async((sent,))  # a blocking call: Celery has no async client

    def work(self) -> None:
        app.worker_main(
            [
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                str(CONCURRENCY),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
