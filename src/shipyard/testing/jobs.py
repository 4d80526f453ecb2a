"""``queued_jobs``: the app's jobs held in memory during a test, to look at and run.

While held, every job the app enqueues (directly, or after a commit) is stored in a fresh
memory backend on a manual clock and left unrun, whatever ``jobs.inline`` says. The test
asks what is pending, moves time for delays and retries, and runs what is due, like
Rails' ``assert_enqueued_with``/``perform_enqueued_jobs`` or Laravel's ``Queue::fake()``,
except the jobs really run. The app's own backend, clock and settings come back after.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

from starlette.applications import Starlette

from shipyard.core.clock import utc_now
from shipyard.jobs import Job, JobRecord, Jobs, ManualClock, MemoryBackend, State, get_jobs

J = TypeVar("J", bound=Job)
PENDING: tuple[State, ...] = ("queued", "scheduled", "failed")
"""States of a job that is still to run (``failed`` waits for its retry)."""


@dataclass
class QueuedJobs:
    """The held jobs of one test: what is pending, the clock, and running them."""

    jobs: Jobs
    clock: ManualClock

    async def records(self, *, states: tuple[State, ...] = PENDING) -> list[JobRecord]:
        """The stored jobs in ``states``, oldest first."""
        stored = await self.jobs.backend.list(states=states, limit=1_000_000)
        return stored[::-1]

    async def pending(self, job_type: type[J]) -> list[J]:
        """The pending jobs of ``job_type`` (queued, scheduled, waiting to retry), as
        objects to compare: ``assert await queued_jobs.pending(Welcome) == [Welcome(user_id=1)]``.
        """
        name = job_type.job_name()
        return [
            job_type.model_validate(record.payload)
            for record in await self.records()
            if record.name == name
        ]

    async def run(self) -> int:
        """Run every job that is due now (and jobs those enqueue); returns how many runs."""
        return await self.jobs.drain()

    async def advance(self, seconds: float) -> int:
        """Move the clock ``seconds`` on, then run what became due; returns how many runs."""
        self.clock.advance(seconds)
        return await self.run()


@asynccontextmanager
async def hold_jobs(app: Starlette) -> AsyncIterator[QueuedJobs]:
    """Hold the started ``app``'s jobs in memory, unrun, until the block ends."""
    jobs = get_jobs(app)
    saved = (jobs.backend, jobs.clock, jobs.settings)
    clock = ManualClock(utc_now())
    jobs.backend = MemoryBackend(clock=clock)
    jobs.clock = clock
    jobs.settings = jobs.settings.model_copy(update={"inline": False})
    try:
        yield QueuedJobs(jobs, clock)
    finally:
        jobs.backend, jobs.clock, jobs.settings = saved
