"""The built-in ``jobs`` extension: one :class:`Jobs` service per running app.

Startup builds the backend named by ``jobs.backend`` (connecting to nothing yet) and
publishes the service as ``app.state.jobs``; :func:`get_jobs` finds it again. With
``jobs.embedded_worker`` on (``shipyard dev`` does it) a :class:`Worker` runs inside the
app's process until shutdown, which stops it gracefully before the backend closes. Event
subscriptions (:func:`on_job_event`) can be made before the app starts: they live on the
extension; ``jobs.log_events`` adds the built-in logging subscriber.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from starlette.applications import Starlette

from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.jobs.api import Jobs
from shipyard.jobs.backend import JobBackend
from shipyard.jobs.clock import Clock, utc_now
from shipyard.jobs.cron.declare import check_unique_names, schedules_from_settings
from shipyard.jobs.cron.schedule import CronSchedule
from shipyard.jobs.database import DatabaseBackend  # also puts shipyard_jobs on db upgrade
from shipyard.jobs.eventlog import log_event
from shipyard.jobs.events import JobEventCallback, JobEvents
from shipyard.jobs.memory import MemoryBackend
from shipyard.jobs.retention import retention_schedules
from shipyard.jobs.worker import Worker

if TYPE_CHECKING:
    from shipyard.app import App

logger = logging.getLogger("shipyard.jobs")


class JobsExtension(Extension):
    """Creates the app's :class:`Jobs` at startup; ``backend=`` overrides the settings.

    ``schedules`` (and :func:`~shipyard.jobs.cron.cron`) add cron schedules to those of
    the ``jobs.cron`` settings.
    """

    name = "jobs"

    def __init__(
        self,
        *,
        backend: JobBackend | None = None,
        clock: Clock = utc_now,
        schedules: Sequence[CronSchedule] = (),
    ) -> None:
        self.backend = backend
        self.clock = clock
        self.schedules = list(schedules)
        self.events = JobEvents()
        self._unsubscribe_log: Callable[[], None] | None = None
        self._worker: Worker | None = None
        self._worker_task: asyncio.Task[None] | None = None

    async def startup(self, app: App) -> None:
        from shipyard.db.extension import get_database

        settings = app.settings.jobs
        database = get_database(app) if hasattr(app.state, "db") else None
        schedules = [
            *self.schedules,
            *schedules_from_settings(settings.cron),
            *retention_schedules(settings),
        ]
        check_unique_names(schedules)
        jobs = app.state.jobs = Jobs(
            self.backend or make_backend(app, self.clock),
            settings=settings,
            events=self.events,
            clock=self.clock,
            sessionmaker=database.sessionmaker if database is not None else None,
            app=app,
            schedules=schedules,
        )
        if settings.log_events:
            self._unsubscribe_log = self.events.subscribe(log_event)
        if settings.embedded_worker:
            self._worker = Worker(jobs)
            self._worker_task = asyncio.create_task(self._worker.run(), name="embedded worker")
            logger.info("embedded jobs worker started: queues %s", ", ".join(self._worker.queues))

    async def shutdown(self, app: App) -> None:
        if self._worker is not None and self._worker_task is not None:
            self._worker.stop()
            await self._worker_task
            self._worker = self._worker_task = None
        if self._unsubscribe_log is not None:
            self._unsubscribe_log()
            self._unsubscribe_log = None
        jobs = getattr(app.state, "jobs", None)
        if isinstance(jobs, Jobs):
            del app.state.jobs
            await jobs.close()


def make_backend(app: App, clock: Clock = utc_now) -> JobBackend:
    """The backend ``app.settings.jobs.backend`` names, built for this app."""
    settings = app.settings.jobs
    if settings.backend == "memory":
        return MemoryBackend(clock=clock)
    if settings.backend == "redis":
        from shipyard.jobs.redis import RedisBackend

        return RedisBackend(settings.redis_url.get_secret_value(), clock=clock)
    from shipyard.db.extension import get_database

    return DatabaseBackend(get_database(app), clock=clock)


def get_jobs(app: Starlette) -> Jobs:
    """The :class:`Jobs` service of a started app (``app.state.jobs``)."""
    jobs = getattr(app.state, "jobs", None)
    if not isinstance(jobs, Jobs):
        raise ShipyardError(
            "this app has no jobs service yet: it is created when the app starts",
            hint="run the app's lifespan (e.g. `async with app.router.lifespan_context(app)`)",
        )
    return jobs


def on_job_event(app: App, callback: JobEventCallback) -> Callable[[], None]:
    """Call ``callback(event)`` on every job lifecycle event; returns an unsubscriber."""
    return app.extension(JobsExtension).events.subscribe(callback)
