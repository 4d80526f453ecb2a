"""A real worker on the Redis backend: jobs run, a flaky one is retried, dead ones stay."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import pytest
from redis.asyncio import Redis

from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import Job, JobContext, Jobs, RetryPolicy, Worker
from shipyard.jobs.redis import RedisBackend

pytestmark = pytest.mark.redis


class Tally(Job):
    """Counts its runs; fails on the first attempt when ``flaky``, always when ``broken``."""

    runs: ClassVar[list[tuple[int, int]]] = []
    retry = RetryPolicy(attempts=2, base=0, jitter=0)

    number: int
    flaky: bool = False
    broken: bool = False

    async def run(self, ctx: JobContext) -> None:
        Tally.runs.append((self.number, ctx.attempt))
        if self.broken or (self.flaky and ctx.attempt == 1):
            raise RuntimeError(f"job {self.number} failed on attempt {ctx.attempt}")


async def test_worker_runs_everything_through_redis(redis_client: Redis, prefix: str) -> None:
    Tally.runs = []
    settings = JobsSettings(backend="redis", poll_interval=0.05, lease_seconds=30)
    jobs = Jobs(RedisBackend(redis_client, prefix=prefix), settings=settings)
    ids = await jobs.enqueue_many([Tally(number=n, flaky=n == 3, broken=n == 7) for n in range(10)])
    finished: asyncio.Queue[str] = asyncio.Queue()
    jobs.events.subscribe(
        lambda event: (
            finished.put_nowait(event.job.id) if event.kind in {"succeeded", "dead"} else None
        )
    )
    worker = Worker(jobs, concurrency=4)
    running = asyncio.create_task(worker.run())
    try:
        done = {await asyncio.wait_for(finished.get(), 5) for _ in ids}
    finally:
        worker.stop()
        await running
    assert done == set(ids)
    states = {job.id: job.state for job in await jobs.backend.list(limit=20)}
    assert states == {job_id: "dead" if n == 7 else "succeeded" for n, job_id in enumerate(ids)}
    assert sorted(Tally.runs) == sorted([(n, 1) for n in range(10)] + [(3, 2), (7, 2)])
    dead = await jobs.backend.get(ids[7])
    assert dead is not None
    assert dead.last_error is not None
    assert "failed on attempt 2" in dead.last_error
