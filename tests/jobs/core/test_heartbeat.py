"""Workers beat while they run and retire when they stop; ``/ready`` can require one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from shipyard import App, Settings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import get_jobs
from shipyard.jobs.heartbeat import live_workers
from shipyard.jobs.worker import Worker
from shipyard.testing.schema import create_app_schema


def make_app(tmp_path: Path, **jobs: object) -> App:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
        jobs=JobsSettings.model_validate({"poll_interval": 0.05, **jobs}),
    )
    app = App(settings, root=tmp_path)
    app.on_startup(create_app_schema)
    return app


async def ready(app: App) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.get("/ready")


async def test_a_running_worker_beats_and_a_stopped_one_retires(tmp_path: Path) -> None:
    app = make_app(tmp_path, heartbeat_seconds=0.05)
    async with app.router.lifespan_context(app):
        jobs = get_jobs(app)
        worker = Worker(jobs, queues=["default", "mail"], name="box:1:test")
        running = asyncio.create_task(worker.run())
        for _ in range(200):
            beats = await live_workers(jobs)
            if beats and beats[0].beat_at > beats[0].started_at:  # a second beat came
                break
            await asyncio.sleep(0.02)
        [beat] = beats
        assert (beat.name, beat.queues, beat.running) == ("box:1:test", ("default", "mail"), 0)
        assert beat.beat_at > beat.started_at
        worker.stop()
        await running
        assert await live_workers(jobs) == []


async def test_readiness_requires_a_live_worker_when_asked(tmp_path: Path) -> None:
    app = make_app(tmp_path, ready_requires_worker=True, heartbeat_seconds=0.05)
    async with app.router.lifespan_context(app):
        without = await ready(app)
        worker = Worker(get_jobs(app), name="box:2:test")
        running = asyncio.create_task(worker.run())
        for _ in range(200):
            if await live_workers(get_jobs(app)):
                break
            await asyncio.sleep(0.02)
        with_worker = await ready(app)
        worker.stop()
        await running
    assert without.status_code == 503
    check = without.json()["checks"]["jobs.worker"]
    assert check["status"] == "failing"
    assert "shipyard jobs worker" in check["error"]
    assert with_worker.status_code == 200, with_worker.text
    assert with_worker.json()["checks"]["jobs.worker"]["status"] == "ok"


async def test_readiness_ignores_workers_by_default(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        response = await ready(app)
    assert response.status_code == 200
    assert "jobs.worker" not in response.json()["checks"]
