"""The built-in jobs extension: settings pick the backend, the app provides ctx services."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import text

from shipyard import App, Settings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.errors import ShipyardError
from shipyard.jobs import Job, JobContext, JobEvent, MemoryBackend, get_jobs, on_job_event
from shipyard.jobs.database import DatabaseBackend


class UsesServices(Job):
    """Reads the app name from settings and runs a query through ctx.session()."""

    seen: ClassVar[list[tuple[str, int]]] = []

    async def run(self, ctx: JobContext) -> None:
        assert ctx.settings is not None
        async with ctx.session() as session:
            value: int = (await session.execute(text("SELECT 41 + 1"))).scalar_one()
        UsesServices.seen.append((ctx.settings.app.name, value))


def make_app(tmp_path: Path, **jobs: object) -> App:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
        jobs=JobsSettings.model_validate(jobs),
    )
    return App(settings, root=tmp_path)


async def test_inline_memory_app_runs_jobs_with_app_services(tmp_path: Path) -> None:
    UsesServices.seen.clear()
    app = make_app(tmp_path, backend="memory", inline=True)
    kinds: list[str] = []

    def record(event: JobEvent) -> None:
        kinds.append(event.kind)

    on_job_event(app, record)  # subscribing works before the app starts
    async with app.router.lifespan_context(app):
        jobs = get_jobs(app)
        assert isinstance(jobs.backend, MemoryBackend)
        await jobs.enqueue(UsesServices())
    assert UsesServices.seen == [(app.settings.app.name, 42)]
    assert kinds == ["enqueued", "started", "succeeded"]
    with pytest.raises(ShipyardError, match="no jobs service yet"):
        get_jobs(app)  # stopped again


async def test_the_database_backend_is_the_default(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        assert isinstance(get_jobs(app).backend, DatabaseBackend)


def test_unknown_backends_are_rejected_by_settings() -> None:
    with pytest.raises(ValueError, match="backend"):
        JobsSettings.model_validate({"backend": "rabbitmq"})
