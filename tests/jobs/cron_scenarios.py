"""Cron on every backend: several schedulers over one store enqueue each tick once.

Each scheduler has its own :class:`Jobs` and its own backend object (its own engine or
connection on the database backend), as separate worker processes would; they share only
the store and a manual clock. Mixed into each backend's contract test class.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import ClassVar

from tests.jobs.contract import BackendFactory, BackendFixtures, FakeClock

from shipyard.jobs import Job, JobBackend, JobContext, Jobs
from shipyard.jobs.cron import CronSchedule, CronScheduler

__all__ = ["CronScenarios"]


class Ping(Job):
    """Records the cron tick it was enqueued for."""

    name = "cron_scenarios.ping"
    runs: ClassVar[list[str]] = []

    label: str = "ping"

    async def run(self, ctx: JobContext) -> None:
        Ping.runs.append(ctx.job_id)


EVERY_MINUTE = CronSchedule(name="ping", expression="* * * * *", job=Ping())


class CronScenarios(BackendFixtures):
    """The cron scenarios; subclasses provide ``make_backend`` (see the contract)."""

    async def schedulers(
        self, backend: JobBackend, make_backend: BackendFactory, clock: FakeClock, count: int
    ) -> list[CronScheduler]:
        """``count`` schedulers on the same store, each with its own backend object."""
        backends = [backend] + [await make_backend(clock) for _ in range(count - 1)]
        return [
            CronScheduler(Jobs(each, clock=clock, schedules=[EVERY_MINUTE])) for each in backends
        ]

    async def test_a_tick_is_enqueued_once_by_two_schedulers(
        self, backend: JobBackend, make_backend: BackendFactory, clock: FakeClock
    ) -> None:
        first, second = await self.schedulers(backend, make_backend, clock, 2)
        try:
            assert await first.tick() == []
            assert await second.tick() == []
            clock.advance(61)
            stored = await asyncio.gather(first.tick(), second.tick())
            jobs = await backend.list()
            assert len(jobs) == 1, f"two schedulers stored {len(jobs)} jobs for one tick"
            assert [jobs[0].id] in stored
            assert jobs[0].name == "cron_scenarios.ping"
            assert jobs[0].meta["cron"] == "ping"
            # A scheduler coming late to the same tick finds it stored and adds nothing.
            assert await second.tick() == []
            assert len(await backend.list()) == 1
        finally:
            await self.close_others(first, second)

    async def test_many_ticks_over_three_schedulers_are_each_stored_once(
        self, backend: JobBackend, make_backend: BackendFactory, clock: FakeClock
    ) -> None:
        schedulers = await self.schedulers(backend, make_backend, clock, 3)
        try:
            for scheduler in schedulers:
                await scheduler.tick()
            start = clock()
            for step in range(12):  # 6 minutes in 30 s steps, schedulers interleaved
                clock.advance(30)
                await asyncio.gather(*(s.tick() for s in schedulers[step % 2 :]))
            await asyncio.gather(*(s.tick() for s in schedulers))
            jobs = await backend.list(limit=100)
            ticks = sorted(job.meta["tick"] for job in jobs)
            expected = [
                (start.replace(second=0) + timedelta(minutes=minute)).isoformat()
                for minute in range(1, 7)
            ]
            assert ticks == expected
        finally:
            await self.close_others(*schedulers)

    async def test_a_stored_tick_runs_like_any_job(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        Ping.runs = []
        jobs = Jobs(backend, clock=clock, schedules=[EVERY_MINUTE])
        scheduler = CronScheduler(jobs)
        await scheduler.tick()
        clock.advance(60)
        [job_id] = await scheduler.tick()
        assert await jobs.drain() == 1
        assert Ping.runs == [job_id]
        stored = await backend.get(job_id)
        assert stored is not None
        assert stored.state == "succeeded"
        # Finished ticks stay stored, so a late scheduler cannot enqueue them again.
        late = CronScheduler(jobs)
        late.checked = clock() - timedelta(seconds=30)
        assert await late.tick() == []

    async def close_others(self, *schedulers: CronScheduler) -> None:
        for scheduler in schedulers[1:]:  # the first uses the fixture's backend
            await scheduler.jobs.backend.close()
