"""``queued_jobs``: jobs a request enqueues are held unrun, looked at, then run."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from fastapi import APIRouter, Request
from pydantic import SecretStr

from shipyard import App, Settings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.db import DbSession
from shipyard.jobs import Job, JobContext, MemoryBackend, RetryPolicy, get_jobs
from shipyard.testing import ShipyardClient
from shipyard.testing.jobs import QueuedJobs, hold_jobs


class Welcome(Job):
    name = "queued_jobs_tests.welcome"
    retry = RetryPolicy(attempts=2, base=30, jitter=0)
    sent: ClassVar[list[str]] = []
    failures: ClassVar[int] = 0

    email: str

    async def run(self, ctx: JobContext) -> None:
        if Welcome.failures:
            Welcome.failures -= 1
            raise ConnectionError("mail server down")
        Welcome.sent.append(self.email)


router = APIRouter()


@router.post("/signup/{email}")
async def signup(email: str, request: Request, db: DbSession, delay: float = 0) -> dict[str, str]:
    """Enqueues after the request's transaction commits, as app code should."""
    jobs = get_jobs(request.app)
    return {"job": await jobs.enqueue(Welcome(email=email), session=db, delay=delay)}


@pytest.fixture
def app(tmp_path: Path) -> App:
    """Jobs run inline in this app, as in a project's test profile: held jobs must not."""
    settings = Settings(
        database=DatabaseSettings(url=SecretStr(f"sqlite+aiosqlite:///{tmp_path / 'q.db'}")),
        jobs=JobsSettings(backend="memory", inline=True),
    )
    application = App(settings, root=tmp_path)
    application.include_router(router)
    Welcome.sent, Welcome.failures = [], 0
    return application


async def test_enqueued_jobs_wait_until_the_test_runs_them(
    client: ShipyardClient, queued_jobs: QueuedJobs
) -> None:
    response = await client.post("/signup/ada@example.test")
    assert response.status_code == 200, response.text
    assert await queued_jobs.pending(Welcome) == [Welcome(email="ada@example.test")]
    assert Welcome.sent == [], "inline mode is off while jobs are held"
    assert await queued_jobs.run() == 1
    assert Welcome.sent == ["ada@example.test"]
    assert await queued_jobs.pending(Welcome) == []
    [done] = await queued_jobs.records(states=("succeeded",))
    assert done.id == response.json()["job"]


async def test_delays_and_retries_follow_the_manual_clock(
    client: ShipyardClient, queued_jobs: QueuedJobs
) -> None:
    await client.post("/signup/bob@example.test", params={"delay": 60})
    assert await queued_jobs.run() == 0, "not due yet"
    Welcome.failures = 1
    assert await queued_jobs.advance(60) == 1
    [waiting] = await queued_jobs.records()
    assert (waiting.state, waiting.last_error) == ("failed", "ConnectionError: mail server down")
    assert await queued_jobs.advance(29) == 0
    assert await queued_jobs.advance(1) == 1, "the retry is due 30 s after the failure"
    assert Welcome.sent == ["bob@example.test"]


async def test_the_apps_own_backend_and_settings_come_back(
    client: ShipyardClient, app: App
) -> None:
    jobs = get_jobs(app)
    backend, clock = jobs.backend, jobs.clock
    async with hold_jobs(app) as held:
        assert jobs.backend is not backend
        assert isinstance(jobs.backend, MemoryBackend)
        assert not jobs.settings.inline
        await jobs.enqueue(Welcome(email="held@example.test"))
        assert len(await held.records()) == 1
    assert (jobs.backend, jobs.clock, jobs.settings.inline) == (backend, clock, True)
    assert await jobs.backend.list() == [], "held jobs never reach the app's backend"
    await jobs.enqueue(Welcome(email="inline@example.test"))
    assert Welcome.sent == ["inline@example.test"]
