"""dramatiq with its ``RedisBroker``: ``actor.send`` one job at a time (no bulk call); its
``Worker`` in one process with 10 threads (dramatiq runs actors in threads).
"""

from __future__ import annotations

import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from benchmarks.jobs import probe
from benchmarks.jobs.adapter import CONCURRENCY, Adapter

broker = RedisBroker(url=probe.bench_redis_url())  # type: ignore[no-untyped-call]
dramatiq.set_broker(broker)


@dramatiq.actor(actor_name="noop")
def noop(sent: float) -> None:
    """The benchmark's no-op job."""
    probe.hit(sent)


class Dramatiq(Adapter):
    """dramatiq on the benchmark's Redis database (default middleware)."""

    name = "dramatiq"
    library = "dramatiq"
    worker = f"dramatiq Worker, 1 process, {CONCURRENCY} threads"

    async def enqueue(self, sent: float) -> None:
        noop.send(sent)  # a blocking call: dramatiq has no async client

    def work(self) -> None:
        dramatiq.Worker(broker, worker_threads=CONCURRENCY).start()
        threading.Event().wait()  # until the driver kills the process
