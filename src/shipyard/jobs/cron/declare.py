"""Declaring schedules: :func:`cron` in code, ``[[jobs.cron]]`` entries in settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from shipyard.config.sections.jobs import CronEntry
from shipyard.core.services import Service
from shipyard.errors import ShipyardError
from shipyard.jobs.cron.schedule import CronSchedule
from shipyard.jobs.job import Job
from shipyard.jobs.registry import JobRegistry, registry

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class DeclaredSchedules(list[CronSchedule]):
    """The schedules an app declared in code with :func:`cron`, read when jobs start."""


DECLARED_SCHEDULES = Service("declared_schedules", DeclaredSchedules, "cron schedule list")
"""The app's :class:`DeclaredSchedules` (made by the first :func:`cron` call)."""


def cron(
    app: AppBase,
    expression: str,
    job: Job,
    *,
    name: str | None = None,
    timezone: str = "UTC",
    queue: str | None = None,
) -> CronSchedule:
    """Enqueue ``job`` on ``expression`` (e.g. ``"0 3 * * *"``, ``"@hourly"``).

    ``name`` defaults to the job's registered name; give one when a job class has
    several schedules. Call it before the app starts, like routes.
    """
    schedule = CronSchedule(
        name=name or job.job_name(),
        expression=expression,
        job=job,
        timezone=timezone,
        queue=queue,
    )
    DECLARED_SCHEDULES.get_or_create(app, DeclaredSchedules).append(schedule)
    return schedule


def schedules_from_settings(
    entries: Sequence[CronEntry], jobs: JobRegistry = registry
) -> list[CronSchedule]:
    """The schedules of ``jobs.cron``: each job name resolved, its arguments validated."""
    schedules = []
    for entry in entries:
        job_class = jobs.resolve(entry.job)
        try:
            job = job_class.model_validate(entry.args)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, problem['loc'])) or 'args'}: {problem['msg']}"
                for problem in error.errors()
            )
            raise ShipyardError(
                f"jobs.cron entry {entry.name!r}: arguments for {entry.job} are not valid:"
                f" {problems}",
                hint=f"fix `args` of the [[jobs.cron]] entry named {entry.name!r}",
            ) from None
        schedules.append(
            CronSchedule(
                name=entry.name,
                expression=entry.schedule,
                job=job,
                timezone=entry.timezone,
                queue=entry.queue,
            )
        )
    return schedules


def check_unique_names(schedules: Sequence[CronSchedule]) -> None:
    """Two schedules with one name would share tick ids: refuse it."""
    seen: set[str] = set()
    for schedule in schedules:
        if schedule.name in seen:
            raise ShipyardError(
                f"two cron schedules are named {schedule.name!r}",
                hint="pass a distinct name= to cron() or a distinct name in [[jobs.cron]]",
            )
        seen.add(schedule.name)
