"""Cron: recurring jobs declared in code or settings, enqueued once per tick.

Owns the schedule model (5-field expressions and ``@hourly``-style aliases, time zones),
how schedules are declared (:func:`cron`, ``jobs.cron`` settings) and the scheduler loop
the worker runs. Exactly-once enqueueing across several schedulers comes from each tick's
deterministic job id: backends store an already-stored id only once.
"""

from shipyard.jobs.cron.declare import cron, schedules_from_settings
from shipyard.jobs.cron.schedule import CronSchedule
from shipyard.jobs.cron.scheduler import CronScheduler

__all__ = ["CronSchedule", "CronScheduler", "cron", "schedules_from_settings"]
