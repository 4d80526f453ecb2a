"""The worker in-process: concurrency, lease renewal and graceful / forced stops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

import pytest

from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import Job, JobContext, JobRecord, Jobs, MemoryBackend, Worker

from .sample_jobs import Record


class Gate(Job):
    """Waits until the test opens the gate; counts how many run at once."""

    opened: ClassVar[asyncio.Event | None] = None
    started: ClassVar[asyncio.Queue[int] | None] = None
    active: ClassVar[int] = 0
    peak: ClassVar[int] = 0

    number: int

    async def run(self, ctx: JobContext) -> None:
        assert Gate.opened is not None
        assert Gate.started is not None
        Gate.active += 1
        Gate.peak = max(Gate.peak, Gate.active)
        Gate.started.put_nowait(self.number)
        try:
            await Gate.opened.wait()
        finally:
            Gate.active -= 1


def fresh_gate() -> asyncio.Event:
    Gate.opened, Gate.started, Gate.active, Gate.peak = asyncio.Event(), asyncio.Queue(), 0, 0
    return Gate.opened


def real_jobs() -> Jobs:
    settings = JobsSettings(backend="memory", poll_interval=0.01, lease_seconds=30)
    return Jobs(MemoryBackend(), settings=settings)


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Poll ``check`` for up to two seconds."""
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached within 2s")


async def started(count: int) -> list[int]:
    assert Gate.started is not None
    return [await asyncio.wait_for(Gate.started.get(), 2) for _ in range(count)]


async def test_worker_runs_jobs_with_bounded_concurrency() -> None:
    gate = fresh_gate()
    jobs = real_jobs()
    ids = await jobs.enqueue_many([Gate(number=n) for n in range(5)])
    worker = Worker(jobs, concurrency=2)
    running = asyncio.create_task(worker.run())
    assert len(await started(2)) == 2
    await asyncio.sleep(0.05)
    assert worker.running == 2  # the other three wait for a free slot
    gate.set()
    await started(3)

    async def all_done() -> bool:
        return {(await jobs.backend.get(i)).state for i in ids} == {"succeeded"}  # type: ignore[union-attr]

    await eventually(all_done)
    worker.stop()
    await asyncio.wait_for(running, 2)
    assert Gate.peak == 2


async def test_graceful_stop_lets_running_jobs_finish_and_leaves_the_rest() -> None:
    gate = fresh_gate()
    jobs = real_jobs()
    first, second = await jobs.enqueue_many([Gate(number=1), Gate(number=2)])
    worker = Worker(jobs, concurrency=1, grace_period=5)
    running = asyncio.create_task(worker.run())
    await started(1)
    worker.stop()
    await asyncio.sleep(0.05)
    assert not running.done()  # waiting for the running job
    gate.set()
    await asyncio.wait_for(running, 2)
    done, left = await jobs.backend.get(first), await jobs.backend.get(second)
    assert done is not None
    assert done.state == "succeeded"
    assert left is not None
    assert (left.state, left.attempts) == ("queued", 0)


async def test_jobs_outliving_the_grace_period_are_released() -> None:
    fresh_gate()
    jobs = real_jobs()
    job_id = await jobs.enqueue(Gate(number=1))
    worker = Worker(jobs, grace_period=0.1)
    running = asyncio.create_task(worker.run())
    await started(1)
    worker.stop()
    await asyncio.wait_for(running, 2)
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert (stored.state, stored.attempts, stored.worker) == (
        "queued",
        0,
        None,
    )


async def test_a_second_stop_forces_without_waiting_for_the_grace_period() -> None:
    fresh_gate()
    jobs = real_jobs()
    job_id = await jobs.enqueue(Gate(number=1))
    worker = Worker(jobs, grace_period=60)
    running = asyncio.create_task(worker.run())
    await started(1)
    worker.stop()
    await asyncio.sleep(0.05)
    worker.stop()
    await asyncio.wait_for(running, 1)
    assert (await jobs.backend.get(job_id)).state == "queued"  # type: ignore[union-attr]


async def test_the_lease_is_renewed_while_a_job_runs() -> None:
    fresh_gate()
    jobs = real_jobs()
    job_id = await jobs.enqueue(Gate(number=1))
    worker = Worker(jobs, lease_seconds=0.09, grace_period=0)
    running = asyncio.create_task(worker.run())
    await started(1)
    first = (await jobs.backend.get(job_id)).lease_until  # type: ignore[union-attr]
    await asyncio.sleep(0.2)
    later = (await jobs.backend.get(job_id)).lease_until  # type: ignore[union-attr]
    assert first is not None
    assert later is not None
    assert later > first
    assert (await jobs.backend.fetch(["default"], 5, worker="other", lease_seconds=1)) == []
    worker.stop()
    await asyncio.wait_for(running, 2)


async def test_a_job_whose_lease_was_taken_over_is_abandoned() -> None:
    fresh_gate()
    jobs = real_jobs()
    job_id = await jobs.enqueue(Gate(number=1))
    worker = Worker(jobs, lease_seconds=0.06, grace_period=0)
    # stale the lease by hand: another worker takes the job over
    backend = jobs.backend
    assert isinstance(backend, MemoryBackend)
    running = asyncio.create_task(worker.run())
    await started(1)
    await backend.release(job_id, worker=worker.name)
    taken = await backend.fetch(["default"], 1, worker="other", lease_seconds=30)
    assert [record.id for record in taken] == [job_id]

    async def abandoned() -> bool:
        return worker.running == 0

    await eventually(abandoned)
    stored = await backend.get(job_id)
    assert stored is not None
    assert (stored.state, stored.worker) == ("running", "other")
    worker.stop()
    await asyncio.wait_for(running, 2)


async def test_worker_wakes_up_for_jobs_enqueued_while_idle() -> None:
    Record.calls.clear()
    jobs = real_jobs()
    worker = Worker(jobs)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.03)
    await jobs.enqueue(Record(text="late"))

    async def ran() -> bool:
        return bool(Record.calls)

    await eventually(ran)
    worker.stop()
    await asyncio.wait_for(running, 2)
    assert Record.calls == [("late", 1)]


class FlakyFetch(MemoryBackend):
    """A memory backend whose first fetch fails, like a database that blinked."""

    failed = False

    async def fetch(
        self, queues: Sequence[str], limit: int, *, worker: str, lease_seconds: float
    ) -> list[JobRecord]:
        if not self.failed:
            self.failed = True
            raise ConnectionError("database went away")
        return await super().fetch(queues, limit, worker=worker, lease_seconds=lease_seconds)


async def test_a_failing_fetch_is_logged_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    Record.calls.clear()
    jobs = Jobs(FlakyFetch(), settings=JobsSettings(poll_interval=0.01))
    await jobs.enqueue(Record(text="survives"))
    worker = Worker(jobs)
    running = asyncio.create_task(worker.run())

    async def ran() -> bool:
        return bool(Record.calls)

    await eventually(ran)
    worker.stop()
    await asyncio.wait_for(running, 2)
    assert "fetching jobs failed" in caplog.text
