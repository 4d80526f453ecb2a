"""What the dashboard shows, read from a :class:`~shipyard.jobs.api.Jobs` service.

Per queue: counts by state, depth (jobs waiting to run: queued, scheduled, failed and
running) and throughput (jobs finished in the last minute and hour, from
``backend.finished_since``); the jobs of one state; the cron schedules with their next
run. Plain data, no HTML: the templates render it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import get_args

from shipyard.jobs.api import Jobs
from shipyard.jobs.backend import FINISHED, JobRecord, State
from shipyard.jobs.cron.upcoming import ScheduleRow, upcoming

STATES: tuple[State, ...] = get_args(State)
TABS: tuple[State, ...] = ("running", "queued", "scheduled", "failed", "dead", "succeeded")
"""The job lists the dashboard offers, in the order of its tabs."""
WAITING: tuple[State, ...] = ("queued", "scheduled", "failed", "running")
"""States that make up a queue's depth: jobs not finished yet."""
RETRYABLE: tuple[State, ...] = ("dead", "failed")
CANCELLABLE: tuple[State, ...] = ("queued", "scheduled", "failed")
DISCARDABLE: tuple[State, ...] = FINISHED


@dataclass(frozen=True)
class QueueRow:
    """One queue: counts by state, depth and throughput."""

    name: str
    counts: dict[str, int]
    per_minute: int
    per_hour: int

    @property
    def depth(self) -> int:
        """Jobs still to run or running."""
        return sum(self.counts.get(state, 0) for state in WAITING)


@dataclass(frozen=True)
class Overview:
    """Everything the dashboard page shows for one selected tab."""

    queues: list[QueueRow]
    totals: dict[str, int]
    state: State
    jobs: list[JobRecord]
    schedules: list[ScheduleRow]
    now: datetime


FINISHED_WORK: tuple[State, ...] = ("succeeded", "dead")
"""What throughput counts: jobs a worker finished (cancelled ones never ran)."""


def _finished(counts: dict[State, int]) -> int:
    return sum(counts.get(state, 0) for state in FINISHED_WORK)


async def queue_rows(jobs: Jobs, now: datetime) -> list[QueueRow]:
    """Every queue with stored jobs (and every configured one), sorted by name."""
    stats = {stats.queue: stats.counts for stats in await jobs.backend.stats()}
    last_minute = await jobs.backend.finished_since(now - timedelta(minutes=1))
    last_hour = await jobs.backend.finished_since(now - timedelta(hours=1))
    names = sorted({*stats, *jobs.settings.queues})
    return [
        QueueRow(
            name=name,
            counts={state: count for state, count in stats.get(name, {}).items() if count},
            per_minute=_finished(last_minute.get(name, {})),
            per_hour=_finished(last_hour.get(name, {})),
        )
        for name in names
    ]


async def overview(jobs: Jobs, state: State, *, limit: int) -> Overview:
    """The queues, the ``state`` tab's newest ``limit`` jobs and the schedules, now."""
    now = jobs.clock()
    queues = await queue_rows(jobs, now)
    totals = {str(name): sum(row.counts.get(name, 0) for row in queues) for name in STATES}
    records = await jobs.backend.list(states=[state], limit=limit)
    return Overview(queues, totals, state, records, upcoming(jobs.schedules, now), now)
