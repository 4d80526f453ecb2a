"""End-to-end job scenarios through the :class:`Jobs` service, run on every backend.

:mod:`tests.jobs.contract` pins each backend method down; this suite checks what users
see through ``enqueue``, the runner and the :class:`Worker` on the same real stores: the
retry schedule (exact times, with a manual clock), dead letters and retrying them,
uniqueness, delayed jobs, cancellation, enqueue-after-commit and graceful shutdown.
Each backend's contract test class also inherits :class:`JobsScenarios`, so both suites
run on the same ``make_backend`` fixture.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import text
from tests.jobs.contract import BackendFixtures, FakeClock

from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobRetrySettings, JobsSettings
from shipyard.db.database import Database
from shipyard.jobs import Job, JobBackend, JobContext, Jobs, RetryPolicy, State, Worker

__all__ = ["JobsScenarios"]


class Flaky(Job):
    """Fails until its ``succeed_from`` attempt; records the attempts it ran."""

    name = "scenarios.flaky"
    retry = RetryPolicy(attempts=4, base=10, factor=3, cap=60, jitter=0)
    attempts_seen: ClassVar[list[int]] = []

    succeed_from: int

    async def run(self, ctx: JobContext) -> None:
        Flaky.attempts_seen.append(ctx.attempt)
        if ctx.attempt < self.succeed_from:
            raise RuntimeError(f"attempt {ctx.attempt} of <flaky> failed")


class Plain(Job):
    """Always fails, with no retry policy of its own."""

    name = "scenarios.plain"

    async def run(self, ctx: JobContext) -> None:
        raise ValueError("no")


class Held(Job):
    """Runs until the test releases it (or the worker cancels it)."""

    name = "scenarios.held"
    started: ClassVar[asyncio.Event | None] = None
    release: ClassVar[asyncio.Event | None] = None
    finished: ClassVar[int] = 0

    async def run(self, ctx: JobContext) -> None:
        assert Held.started is not None
        assert Held.release is not None
        Held.started.set()
        await Held.release.wait()
        Held.finished += 1


class JobsScenarios(BackendFixtures):
    """The shared scenarios; subclasses provide ``make_backend`` (see the contract)."""

    @pytest.fixture
    def jobs(self, backend: JobBackend, clock: FakeClock) -> Jobs:
        Flaky.attempts_seen = []
        settings = JobsSettings(
            backend="memory",  # only names the backend; the one given here is used
            poll_interval=0.02,
            grace_period=5,
            retry=JobRetrySettings(attempts=2, base=5, factor=2, cap=60, jitter=0),
        )
        return Jobs(backend, settings=settings, clock=clock, rng=random.Random(1))

    @pytest.fixture
    def app_database_url(self, tmp_path: Path) -> str:
        """Where the app's own tables live (the database backend uses the jobs database)."""
        return f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"

    @pytest.fixture
    async def app_database(self, app_database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
        """The app's database, where the enqueuing transaction runs."""
        database = Database(DatabaseSettings(url=app_database_url), tmp_path)
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP TABLE IF EXISTS orders"))
            await connection.execute(text("CREATE TABLE orders (id INTEGER PRIMARY KEY)"))
        yield database
        await database.dispose()

    async def state(self, jobs: Jobs, job_id: str) -> State:
        stored = await jobs.backend.get(job_id)
        assert stored is not None, f"job {job_id} vanished"
        return stored.state

    # -- retries and dead letters -----------------------------------------------------

    async def test_the_retry_schedule_follows_the_policy(
        self, jobs: Jobs, clock: FakeClock
    ) -> None:
        job_id = await jobs.enqueue(Flaky(succeed_from=4))
        start = clock()
        assert await jobs.drain() == 1
        # 10 s, then 30 s, then 60 s (90 capped) after each failure: due exactly then.
        for wait in (10, 30, 60):
            stored = await jobs.backend.get(job_id)
            assert stored is not None
            assert stored.state == "failed"
            assert stored.run_at == clock() + timedelta(seconds=wait)
            clock.advance(wait - 1)
            assert await jobs.drain() == 0, f"ran before its {wait}s backoff"
            clock.advance(1)
            assert await jobs.drain() == 1
        assert Flaky.attempts_seen == [1, 2, 3, 4]
        assert await self.state(jobs, job_id) == "succeeded"
        assert clock() - start == timedelta(seconds=100)

    async def test_the_last_failure_dead_letters_with_error_and_traceback(
        self, jobs: Jobs, clock: FakeClock
    ) -> None:
        job_id = await jobs.enqueue(Flaky(succeed_from=99))
        for _ in range(4):
            await jobs.drain()
            clock.advance(60)
        dead = await jobs.backend.get(job_id)
        assert dead is not None
        assert dead.state == "dead"
        assert dead.attempts == 4
        assert dead.last_error == "RuntimeError: attempt 4 of <flaky> failed"
        assert dead.traceback is not None
        assert "raise RuntimeError" in dead.traceback
        assert [record.id for record in await jobs.backend.list(states=["dead"])] == [job_id]
        assert await jobs.drain() == 0  # dead jobs never run by themselves

    async def test_a_retried_dead_job_runs_again_and_can_succeed(
        self, jobs: Jobs, clock: FakeClock
    ) -> None:
        job_id = await jobs.enqueue(Flaky(succeed_from=5))
        for _ in range(4):
            await jobs.drain()
            clock.advance(60)
        assert await self.state(jobs, job_id) == "dead"
        assert await jobs.backend.retry(job_id)
        assert await jobs.drain() == 1  # attempts were reset: this is attempt 1 again...
        assert Flaky.attempts_seen[-1] == 1
        assert await self.state(jobs, job_id) == "failed"  # ...which still fails (< 5)

    async def test_the_global_policy_applies_to_jobs_without_their_own(
        self, jobs: Jobs, clock: FakeClock
    ) -> None:
        job_id = await jobs.enqueue(Plain())
        await jobs.drain()
        stored = await jobs.backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.max_attempts) == ("failed", 2)
        assert stored.run_at == clock() + timedelta(seconds=5)
        clock.advance(5)
        await jobs.drain()
        assert await self.state(jobs, job_id) == "dead"

    # -- uniqueness, delays, cancellation ---------------------------------------------

    async def test_a_unique_key_holds_one_pending_job(self, jobs: Jobs) -> None:
        first = await jobs.enqueue(Flaky(succeed_from=1), unique_key="sync:7")
        again = await jobs.enqueue(Flaky(succeed_from=1), unique_key="sync:7")
        other = await jobs.enqueue(Flaky(succeed_from=1), unique_key="sync:8")
        assert again == first
        assert other != first
        assert await jobs.drain() == 2
        later = await jobs.enqueue(Flaky(succeed_from=1), unique_key="sync:7")
        assert later != first  # the key is free once the job finished

    async def test_delayed_jobs_wait_for_their_time(self, jobs: Jobs, clock: FakeClock) -> None:
        in_a_minute = await jobs.enqueue(Flaky(succeed_from=1), delay=60)
        tomorrow = await jobs.enqueue(Flaky(succeed_from=1), at=clock() + timedelta(days=1))
        assert await self.state(jobs, in_a_minute) == "scheduled"
        assert await jobs.drain() == 0
        clock.advance(60)
        assert await jobs.drain() == 1
        assert await self.state(jobs, in_a_minute) == "succeeded"
        assert await self.state(jobs, tomorrow) == "scheduled"
        clock.advance(86_400)
        assert await jobs.drain() == 1

    async def test_cancelled_jobs_never_run(self, jobs: Jobs, clock: FakeClock) -> None:
        queued = await jobs.enqueue(Flaky(succeed_from=1))
        scheduled = await jobs.enqueue(Flaky(succeed_from=1), delay=30)
        assert await jobs.backend.cancel(queued)
        assert await jobs.backend.cancel(scheduled)
        clock.advance(30)
        assert await jobs.drain() == 0
        assert Flaky.attempts_seen == []
        assert await self.state(jobs, queued) == "cancelled"
        assert not await jobs.backend.retry(queued)  # cancelled is final

    # -- transactions -----------------------------------------------------------------

    async def test_only_committed_transactions_enqueue(
        self, jobs: Jobs, app_database: Database
    ) -> None:
        async with app_database.sessionmaker() as session:
            await session.execute(text("INSERT INTO orders (id) VALUES (1)"))
            kept = await jobs.enqueue(Flaky(succeed_from=1), session=session)
            assert await jobs.backend.get(kept) is None  # not before the commit
            await session.commit()
        async with app_database.sessionmaker() as session:
            await session.execute(text("INSERT INTO orders (id) VALUES (2)"))
            dropped = await jobs.enqueue(Flaky(succeed_from=1), session=session)
            await session.rollback()
        assert await jobs.backend.get(kept) is not None
        assert await jobs.backend.get(dropped) is None
        assert [record.id for record in await jobs.backend.list()] == [kept]

    # -- graceful shutdown ------------------------------------------------------------

    async def test_a_stopping_worker_finishes_its_job_and_leaves_the_queue(
        self, jobs: Jobs
    ) -> None:
        Held.started, Held.release, Held.finished = asyncio.Event(), asyncio.Event(), 0
        running = await jobs.enqueue(Held())
        worker = Worker(jobs, concurrency=1)
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(Held.started.wait(), 10)
        waiting = await jobs.enqueue(Held())
        worker.stop()
        await asyncio.sleep(0.1)  # stopping: no new fetch, the running job goes on
        assert not task.done()
        Held.release.set()
        await asyncio.wait_for(task, 10)
        assert Held.finished == 1
        assert await self.state(jobs, running) == "succeeded"
        assert await self.state(jobs, waiting) == "queued"

    async def test_jobs_outliving_the_grace_period_go_back_unharmed(self, jobs: Jobs) -> None:
        Held.started, Held.release, Held.finished = asyncio.Event(), asyncio.Event(), 0
        job_id = await jobs.enqueue(Held())
        worker = Worker(jobs, concurrency=1, grace_period=0.1)
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(Held.started.wait(), 10)
        worker.stop()
        await asyncio.wait_for(task, 10)
        released = await jobs.backend.get(job_id)
        assert released is not None
        assert (released.state, released.attempts, Held.finished) == ("queued", 0, 0)
