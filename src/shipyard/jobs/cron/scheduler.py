"""The scheduler loop: at each tick of each schedule, enqueue its job once.

Every worker runs one by default, so a deployment has several; they agree without talking
to each other. A tick's job gets a deterministic id (:meth:`CronSchedule.tick_id`), and a
backend stores an id only once, so however many schedulers see a tick, one job is stored.
A scheduler covers the window since its previous check, so a tick is not missed while it
is busy or the backend is briefly down; ticks from before it started are not made up
(like cron), and after a long pause only the latest :data:`MAX_CATCH_UP` are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from shipyard.jobs.cron.schedule import CronSchedule

if TYPE_CHECKING:
    from shipyard.jobs.api import Jobs

logger = logging.getLogger("shipyard.jobs.cron")
MAX_CATCH_UP = 10
"""At most this many missed ticks of one schedule are enqueued after a pause."""
MAX_SLEEP = 30.0
"""Seconds between checks at most, so a wall-clock jump is noticed."""


class CronScheduler:
    """Enqueues the jobs of ``schedules`` (default: ``jobs.schedules``) when they are due."""

    def __init__(
        self,
        jobs: Jobs,
        schedules: Sequence[CronSchedule] | None = None,
        *,
        max_sleep: float = MAX_SLEEP,
    ) -> None:
        self.jobs = jobs
        self.schedules = list(jobs.schedules if schedules is None else schedules)
        self.max_sleep = max_sleep
        self.checked: datetime | None = None
        """The end of the window covered so far; None before the first check."""
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """End :meth:`run` at its next wake-up (at once if it is sleeping)."""
        self._stopping.set()

    async def tick(self) -> list[str]:
        """Enqueue every tick due since the previous call; returns the ids this call stored.

        The first call only marks the start of the window. When the backend fails, the
        window is kept, so the next call covers the same ticks again (and stores each once).
        """
        now = self.jobs.clock()
        since = self.checked or now
        stored: list[str] = []
        for schedule in self.schedules:
            due = list(schedule.ticks(since, now))
            if len(due) > MAX_CATCH_UP:
                logger.warning(
                    "cron %s: %d ticks missed since %s; enqueueing the latest %d",
                    schedule.name,
                    len(due),
                    since.isoformat(),
                    MAX_CATCH_UP,
                )
            for tick in due[-MAX_CATCH_UP:]:
                if await self._enqueue(schedule, tick):
                    stored.append(schedule.tick_id(tick))
        self.checked = now
        return stored

    async def run(self) -> None:
        """Check at every tick until :meth:`stop`; a failing backend is retried."""
        if not self.schedules:
            return
        logger.info("cron scheduler: %d schedule(s)", len(self.schedules))
        while not self._stopping.is_set():
            try:
                await self.tick()
            except Exception:
                logger.exception("cron scheduler: enqueueing failed; trying again")
            await self._sleep()

    async def _enqueue(self, schedule: CronSchedule, tick: datetime) -> bool:
        """Store the tick's job unless some scheduler already did; True if this one did."""
        job_id = schedule.tick_id(tick)
        backend = self.jobs.backend
        if await backend.get(job_id) is not None:
            return False
        record = self.jobs.record(schedule.job, queue=schedule.queue)
        record.id = job_id
        record.meta = {"cron": schedule.name, "tick": tick.isoformat()}
        await self.jobs.store([record])
        logger.info("cron %s: enqueued the %s run (%s)", schedule.name, tick.isoformat(), job_id)
        return True

    async def _sleep(self) -> None:
        """Until the next tick of any schedule, a stop request, or ``max_sleep``."""
        now = self.jobs.clock()
        upcoming = min(schedule.next_run(self.checked or now) for schedule in self.schedules)
        seconds = min(max((upcoming - now).total_seconds(), 0.01), self.max_sleep)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
