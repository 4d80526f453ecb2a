"""The scheduler inside the worker: ticks become runs, a failing backend is retried."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

import pytest

from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import Job, JobContext, JobRecord, Jobs, ManualClock, MemoryBackend, Worker
from shipyard.jobs.cron import CronSchedule, CronScheduler


class Beat(Job):
    name = "cron_worker.beat"
    runs: ClassVar[list[str]] = []

    async def run(self, ctx: JobContext) -> None:
        Beat.runs.append(ctx.job_id)


HOURLY = CronSchedule(name="beat", expression="@hourly", job=Beat())


def service(clock: ManualClock, backend: MemoryBackend | None = None) -> Jobs:
    settings = JobsSettings(backend="memory", poll_interval=0.01)
    return Jobs(
        backend or MemoryBackend(clock=clock), settings=settings, clock=clock, schedules=[HOURLY]
    )


async def test_a_worker_enqueues_and_runs_each_tick() -> None:
    Beat.runs = []
    clock = ManualClock()
    jobs = service(clock)
    worker = Worker(jobs)
    assert worker.scheduler is not None
    worker.scheduler.max_sleep = 0.01  # the manual clock moves; real sleeps stay short
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.05)
        assert Beat.runs == []
        for hour in (1, 2):
            clock.advance(3600)
            for _ in range(200):
                if len(Beat.runs) == hour:
                    break
                await asyncio.sleep(0.01)
            assert len(Beat.runs) == hour, f"tick {hour} did not run"
    finally:
        worker.stop()
        await asyncio.wait_for(task, 5)
    assert len(set(Beat.runs)) == 2


async def test_no_cron_and_no_schedules_mean_no_scheduler() -> None:
    clock = ManualClock()
    assert Worker(service(clock), cron=False).scheduler is None
    plain = Jobs(MemoryBackend(clock=clock), clock=clock)
    assert Worker(plain).scheduler is None


class FlakyStore(MemoryBackend):
    """Refuses the first ``failures`` enqueues, like a backend that is briefly down."""

    def __init__(self, clock: ManualClock, failures: int) -> None:
        super().__init__(clock=clock)
        self.failures = failures

    async def enqueue(self, records: Sequence[JobRecord]) -> list[str]:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("store unreachable")
        return await super().enqueue(records)


async def test_a_tick_missed_while_the_backend_was_down_is_enqueued_next_time() -> None:
    clock = ManualClock()
    store = FlakyStore(clock, failures=1)
    scheduler = CronScheduler(service(clock, store))
    await scheduler.tick()
    clock.advance(3600)
    with pytest.raises(ConnectionError):
        await scheduler.tick()
    clock.advance(60)
    [stored] = await scheduler.tick()
    [job] = await store.list()
    assert job.id == stored
    assert job.meta["tick"] == "2030-01-01T01:00:00+00:00"


async def test_after_a_long_pause_only_the_latest_ticks_are_made_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    jobs = service(clock)
    scheduler = CronScheduler(jobs)
    await scheduler.tick()
    clock.advance(24 * 3600)
    assert len(await scheduler.tick()) == 10
    assert "24 ticks missed" in caplog.text
    ticks = sorted(job.meta["tick"] for job in await jobs.backend.list())
    assert ticks[-1] == "2030-01-02T00:00:00+00:00"


async def test_run_returns_at_once_without_schedules_and_on_stop() -> None:
    clock = ManualClock()
    await asyncio.wait_for(CronScheduler(Jobs(MemoryBackend(clock=clock))).run(), 1)
    scheduler = CronScheduler(service(clock))
    task = asyncio.create_task(scheduler.run())
    await asyncio.sleep(0.02)
    scheduler.stop()
    await asyncio.wait_for(task, 1)
