"""The schedules a service runs, each with its next run: what the CLI and dashboard list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shipyard.jobs.cron.schedule import CronSchedule


@dataclass(frozen=True)
class ScheduleRow:
    """One cron schedule and when it next enqueues its job."""

    name: str
    expression: str
    timezone: str
    job: str
    queue: str
    next_run: datetime


def upcoming(schedules: Sequence[CronSchedule], now: datetime) -> list[ScheduleRow]:
    """``schedules`` with their next run after ``now`` (UTC), soonest first."""
    rows = [
        ScheduleRow(
            name=schedule.name,
            expression=schedule.expression,
            timezone=schedule.timezone,
            job=schedule.job_name,
            queue=schedule.queue or schedule.job.queue,
            next_run=schedule.next_run(now),
        )
        for schedule in schedules
    ]
    return sorted(rows, key=lambda row: (row.next_run, row.name))
