"""One recurring job: a cron expression in a time zone, and the job it enqueues."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from shipyard.errors import ShipyardError
from shipyard.jobs.job import Job

ALIASES = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
TICK_NAMESPACE = uuid.UUID("6f0b8d52-3c1e-4f5a-9a57-0c6a1d2e7b41")
"""Tick ids are UUIDv5 of the schedule name and tick time in this namespace."""


@dataclass(frozen=True, eq=False)
class CronSchedule:
    """Enqueue ``job`` at every time ``expression`` matches, read in ``timezone``.

    ``expression`` is a standard 5-field cron line (minute hour day-of-month month
    day-of-week) or one of :data:`ALIASES`. ``name`` identifies the schedule: it must be
    the same in every process, since two schedulers agree on a tick through it.
    """

    name: str
    expression: str
    job: Job
    timezone: str = "UTC"
    queue: str | None = None

    def __post_init__(self) -> None:
        if not NAME_PATTERN.fullmatch(self.name):
            raise ShipyardError(
                f"cron schedule name {self.name!r} is not valid",
                hint="use 1-100 letters, digits, '_', '.', ':' or '-', starting with a letter"
                " or digit",
            )
        object.__setattr__(self, "expression", check_expression(self.name, self.expression))
        self.zone()  # raises for an unknown time zone

    @property
    def job_name(self) -> str:
        """The registered name of the job this schedule enqueues."""
        return self.job.job_name()

    def zone(self) -> ZoneInfo:
        """The schedule's time zone."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ShipyardError(
                f"cron schedule {self.name!r}: unknown time zone {self.timezone!r}",
                hint="use an IANA name such as 'UTC', 'Europe/Paris' or 'America/New_York'",
            ) from None

    def next_run(self, after: datetime) -> datetime:
        """The first tick strictly after ``after``, in UTC."""
        start = after.astimezone(self.zone())
        following: datetime = croniter(self.expression, start).get_next(datetime)
        return following.astimezone(UTC)

    def ticks(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """Every tick in ``(after, until]``, oldest first."""
        tick = self.next_run(after)
        while tick <= until:
            yield tick
            tick = self.next_run(tick)

    def tick_id(self, tick: datetime) -> str:
        """The job id of this schedule's run at ``tick``: the same in every process."""
        moment = tick.astimezone(UTC).isoformat()
        return uuid.uuid5(TICK_NAMESPACE, f"{self.name}@{moment}").hex


def check_expression(name: str, expression: str) -> str:
    """``expression`` tidied (spaces, alias case); a :class:`ShipyardError` if invalid."""
    text = " ".join(expression.split())
    if text.startswith("@"):
        if text.lower() not in ALIASES:
            raise ShipyardError(
                f"cron schedule {name!r}: unknown alias {expression!r}",
                hint=f"use one of {', '.join(ALIASES)} or a 5-field expression",
            )
        return text.lower()
    if len(text.split()) != 5 or not croniter.is_valid(text):
        raise ShipyardError(
            f"cron schedule {name!r}: {expression!r} is not a 5-field cron expression",
            hint="write minute hour day-of-month month day-of-week, e.g. '0 3 * * *' for"
            " 03:00 every day, or an alias such as '@hourly'",
        )
    return text
