"""The built-in ``jobs`` extension: one :class:`Jobs` service per running app.

Startup builds the backend named by ``jobs.backend`` (connecting to nothing yet) and
publishes it as the app's :data:`JOBS` service; :func:`get_jobs` finds it again. It also
provides the app's mail queue (``Mail.queue(app)`` stores a :class:`SendMail` job). With
``jobs.embedded_worker`` on (``shipyard dev`` does it) a :class:`Worker` runs inside the
app's process until shutdown, which stops it gracefully before the backend closes. Event
subscriptions (:func:`on_job_event`) can be made before the app starts: they live on the
extension; ``jobs.log_events`` adds the built-in logging subscriber.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends
from starlette.applications import Starlette

from shipyard.core.checks import Finding
from shipyard.core.clock import Clock, utc_now
from shipyard.core.health import ReadinessCheck
from shipyard.core.services import Service
from shipyard.db.extension import DATABASE, get_database
from shipyard.extension import Extension
from shipyard.jobs.api import Jobs
from shipyard.jobs.backend import JobBackend
from shipyard.jobs.cron.declare import (
    DECLARED_SCHEDULES,
    check_unique_names,
    schedules_from_settings,
)
from shipyard.jobs.cron.schedule import CronSchedule
from shipyard.jobs.database import JOBS_MIGRATIONS, DatabaseBackend
from shipyard.jobs.eventlog import log_event
from shipyard.jobs.events import JobEventCallback, JobEvents
from shipyard.jobs.heartbeat import worker_readiness
from shipyard.jobs.mail import MAIL_MIGRATIONS, JobsMailQueue
from shipyard.jobs.memory import MemoryBackend
from shipyard.jobs.retention import retention_schedules
from shipyard.jobs.worker import Worker
from shipyard.mail.mailable import MAIL_QUEUE

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch

logger = logging.getLogger("shipyard.jobs")

JOBS = Service("jobs", Jobs, "jobs service", started_by="the jobs extension")
"""The app's :class:`Jobs`."""


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

    async def startup(self, app: AppBase) -> None:
        settings = app.settings.jobs
        database = DATABASE.find(app)
        schedules = [
            *self.schedules,
            *(DECLARED_SCHEDULES.find(app) or ()),
            *schedules_from_settings(settings.cron),
            *retention_schedules(settings),
        ]
        check_unique_names(schedules)
        jobs = Jobs(
            self.backend or make_backend(app, self.clock),
            settings=settings,
            events=self.events,
            clock=self.clock,
            sessionmaker=database.sessionmaker if database is not None else None,
            app=app,
            schedules=schedules,
        )
        JOBS.provide(app, jobs)
        MAIL_QUEUE.provide(app, JobsMailQueue(jobs))
        if settings.log_events:
            self._unsubscribe_log = self.events.subscribe(log_event)
        if settings.embedded_worker:
            self._worker = Worker(jobs)
            self._worker_task = asyncio.create_task(self._worker.run(), name="embedded worker")
            logger.info("embedded jobs worker started: queues %s", ", ".join(self._worker.queues))

    async def shutdown(self, app: AppBase) -> None:
        if self._worker is not None and self._worker_task is not None:
            self._worker.stop()
            await self._worker_task
            self._worker = self._worker_task = None
        if self._unsubscribe_log is not None:
            self._unsubscribe_log()
            self._unsubscribe_log = None
        mail_queue = MAIL_QUEUE.find(app)
        if mail_queue is not None:
            MAIL_QUEUE.withdraw(app, mail_queue)
        jobs = JOBS.find(app)
        if jobs is not None:
            JOBS.withdraw(app, jobs)
            await jobs.close()

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return (JOBS_MIGRATIONS, MAIL_MIGRATIONS)

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        if app.settings.jobs.ready_requires_worker:
            yield worker_readiness(lambda: JOBS.find(app))

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        if deploy and self.backend is None and app.settings.jobs.backend == "memory":
            yield Finding(
                "jobs.E001",
                "error",
                "jobs.backend is memory: queued jobs are lost when the process stops",
                'set jobs.backend = "database" (the default) or "redis"',
            )


def make_backend(app: AppBase, clock: Clock = utc_now) -> JobBackend:
    """The backend ``app.settings.jobs.backend`` names, built for this app."""
    settings = app.settings.jobs
    if settings.backend == "memory":
        return MemoryBackend(clock=clock)
    if settings.backend == "redis":
        from shipyard.jobs.redis import RedisBackend

        return RedisBackend(settings.redis_url.get_secret_value(), clock=clock)
    return DatabaseBackend(get_database(app), clock=clock)


def get_jobs(app: Starlette) -> Jobs:
    """The :class:`Jobs` service of a started app."""
    return JOBS.get(app)


JobsDep = Annotated[Jobs, Depends(JOBS.dependency)]
"""The :class:`Jobs` of the app serving the request, as a dependency."""


def on_job_event(app: AppBase, callback: JobEventCallback) -> Callable[[], None]:
    """Call ``callback(event)`` on every job lifecycle event; returns an unsubscriber."""
    return app.extension(JobsExtension).events.subscribe(callback)
