"""Retention: the built-in hourly schedule deletes old succeeded and cancelled jobs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from pydantic import ValidationError

from shipyard import App, Settings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import (
    Job,
    JobContext,
    Jobs,
    ManualClock,
    MemoryBackend,
    RetryPolicy,
    get_jobs,
)
from shipyard.jobs.cron import CronScheduler
from shipyard.jobs.retention import SCHEDULE_NAME, PruneFinishedJobs, retention_schedules


class Noop(Job):
    name = "retention_tests.noop"

    async def run(self, ctx: JobContext) -> None:
        return None


class Broken(Job):
    name = "retention_tests.broken"
    retry = RetryPolicy(attempts=1)

    async def run(self, ctx: JobContext) -> None:
        raise RuntimeError("broken")


def test_the_schedule_is_hourly_on_the_first_queue_and_can_be_turned_off() -> None:
    [schedule] = retention_schedules(JobsSettings(queues=["mail", "default"]))
    assert (schedule.name, schedule.expression, schedule.queue) == (
        SCHEDULE_NAME,
        "@hourly",
        "mail",
    )
    assert schedule.job == PruneFinishedJobs()
    assert retention_schedules(JobsSettings(keep_finished=None)) == []


def test_keep_finished_reads_seconds_and_iso_durations_and_refuses_zero() -> None:
    assert JobsSettings(keep_finished="P2D").keep_finished == timedelta(days=2)
    assert JobsSettings(keep_finished=3600).keep_finished == timedelta(hours=1)
    assert JobsSettings(keep_finished="forever").keep_finished is None
    for bad in (0, -5, "soon", ""):
        with pytest.raises(ValidationError, match="keep_finished"):
            JobsSettings(keep_finished=bad)


async def test_every_app_gets_the_schedule_by_default() -> None:
    app = App(Settings(jobs=JobsSettings(backend="memory")))
    async with app.router.lifespan_context(app):
        assert [s.name for s in get_jobs(app).schedules] == [SCHEDULE_NAME]


async def test_a_tick_deletes_old_succeeded_and_cancelled_jobs_only() -> None:
    clock = ManualClock()
    settings = JobsSettings(backend="memory", keep_finished=timedelta(days=1))
    jobs = Jobs(
        MemoryBackend(clock=clock),
        settings=settings,
        clock=clock,
        schedules=retention_schedules(settings),
    )
    old_done = await jobs.enqueue(Noop())
    old_dead = await jobs.enqueue(Broken())
    old_cancelled = await jobs.enqueue(Noop(), delay=60)
    assert await jobs.backend.cancel(old_cancelled)
    assert await jobs.drain() == 2
    clock.advance(2 * 86400)
    recent = await jobs.enqueue(Noop())
    assert await jobs.drain() == 1
    scheduler = CronScheduler(jobs)
    await scheduler.tick()
    clock.advance(3600)
    [prune] = await scheduler.tick()
    assert await jobs.drain() == 1
    assert await jobs.backend.get(old_done) is None
    assert await jobs.backend.get(old_cancelled) is None
    remaining = {job.id: job.state for job in await jobs.backend.list()}
    assert remaining == {old_dead: "dead", recent: "succeeded", prune: "succeeded"}


async def test_run_without_the_jobs_service_names_the_fix() -> None:
    ctx = JobContext(
        job_id="x", name="n", attempt=1, max_attempts=1, logger=logging.getLogger("test")
    )
    with pytest.raises(Exception, match="through a Worker"):
        await PruneFinishedJobs().run(ctx)
