"""The app chaos workers run (`shipyard jobs worker --app ...worker_app:app`).

Everything that differs between runs comes from ``DURABILITY_*`` environment variables
set by :mod:`tests.jobs.durability.pool`: the backend, where it lives, the lease, the
execution log (:mod:`tests.jobs.durability.recorder`). On Redis the jobs live under a
test-unique key prefix, so the app hands the jobs extension its own backend.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, cast

from tests.jobs.durability import recorder  # noqa: F401 - registers RecordRun

from shipyard import App, Settings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobRetrySettings, JobsSettings
from shipyard.jobs.extension import JobsExtension
from shipyard.jobs.redis import RedisBackend

Backend = Literal["database", "redis"]


def jobs_settings(backend: Backend, lease_seconds: float) -> JobsSettings:
    """Short leases and polls; enough attempts that kills never dead-letter a job."""
    return JobsSettings(
        backend=backend,
        lease_seconds=lease_seconds,
        poll_interval=0.2,
        grace_period=1,
        log_events=False,
        retry=JobRetrySettings(attempts=1000, base=0.1, jitter=0),
    )


def build_app() -> App:
    """The worker app described by the environment."""
    env = os.environ
    backend = cast(Backend, env["DURABILITY_BACKEND"])
    root = Path(env["DURABILITY_ROOT"])
    settings = Settings(
        database=DatabaseSettings(url=env.get("DURABILITY_DATABASE_URL", "sqlite://")),
        jobs=jobs_settings(backend, float(env["DURABILITY_LEASE"])),
    )
    app = App(settings, root=root)
    if backend == "redis":
        extension = app.extension(JobsExtension)
        extension.backend = RedisBackend(
            env["DURABILITY_REDIS_URL"], prefix=env["DURABILITY_REDIS_PREFIX"]
        )
    return app


app = build_app()
