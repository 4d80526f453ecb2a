"""The built-in ``jobs`` extension: one :class:`Jobs` service per running app.

Startup builds the backend named by ``jobs.backend`` (connecting to nothing yet) and
publishes the service as ``app.state.jobs``; :func:`get_jobs` finds it again. Shutdown
closes the backend. Event subscriptions (:func:`on_job_event`) can be made before the app
starts: they live on the extension.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.applications import Starlette

from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.jobs.api import Jobs
from shipyard.jobs.backend import JobBackend
from shipyard.jobs.clock import Clock, utc_now
from shipyard.jobs.database import DatabaseBackend  # also puts shipyard_jobs on db upgrade
from shipyard.jobs.events import JobEventCallback, JobEvents
from shipyard.jobs.memory import MemoryBackend

if TYPE_CHECKING:
    from shipyard.app import App


class JobsExtension(Extension):
    """Creates the app's :class:`Jobs` at startup; ``backend=`` overrides the settings."""

    name = "jobs"

    def __init__(self, *, backend: JobBackend | None = None, clock: Clock = utc_now) -> None:
        self.backend = backend
        self.clock = clock
        self.events = JobEvents()

    async def startup(self, app: App) -> None:
        from shipyard.db.extension import get_database

        database = get_database(app) if hasattr(app.state, "db") else None
        app.state.jobs = Jobs(
            self.backend or make_backend(app, self.clock),
            settings=app.settings.jobs,
            events=self.events,
            clock=self.clock,
            sessionmaker=database.sessionmaker if database is not None else None,
            app=app,
        )

    async def shutdown(self, app: App) -> None:
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
