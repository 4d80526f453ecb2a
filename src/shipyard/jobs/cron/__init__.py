"""Cron: recurring jobs declared in code or settings, enqueued once per tick.

Owns the schedule model (5-field expressions and ``@hourly``-style aliases, time zones),
how schedules are declared (:func:`cron`, ``jobs.cron`` settings), the scheduler loop
the worker runs, and the listing of schedules with their next run (:func:`upcoming`).
Exactly-once enqueueing across several schedulers comes from each tick's deterministic
job id: backends store an already-stored id only once.
"""

from shipyard.jobs.cron.declare import cron, schedules_from_settings
from shipyard.jobs.cron.schedule import CronSchedule
from shipyard.jobs.cron.scheduler import CronScheduler
from shipyard.jobs.cron.upcoming import ScheduleRow, upcoming

__all__ = [
    "CronSchedule",
    "CronScheduler",
    "ScheduleRow",
    "cron",
    "schedules_from_settings",
    "upcoming",
]
