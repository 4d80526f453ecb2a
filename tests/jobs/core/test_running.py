"""Running jobs: the retry schedule, dead letters, timeouts, sync jobs, cancellation, events."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from shipyard.errors import ShipyardError
from shipyard.jobs import JobContext, JobEvent, JobRecord, Jobs, ManualClock, RetryPolicy

from .sample_jobs import AlwaysFails, FailsFatally, FlakyOnce, Record, Slow, SyncJob


async def test_retry_schedule_follows_the_backoff_then_dead_letters(
    jobs: Jobs, clock: ManualClock, events: list[JobEvent]
) -> None:
    job_id = await jobs.enqueue(AlwaysFails())
    start = clock()
    assert await jobs.drain() == 1
    first = await jobs.backend.get(job_id)
    assert first is not None
    assert (first.state, first.attempts) == ("failed", 1)
    assert first.run_at == start + timedelta(seconds=10)  # base 10, no jitter

    clock.advance(9.9)
    assert await jobs.drain() == 0  # not due yet
    clock.advance(0.1)
    assert await jobs.drain() == 1
    second = await jobs.backend.get(job_id)
    assert second is not None
    assert second.state == "failed"
    assert second.run_at == clock() + timedelta(seconds=20)  # base * factor

    clock.advance(20)
    assert await jobs.drain() == 1
    dead = await jobs.backend.get(job_id)
    assert dead is not None
    assert (dead.state, dead.attempts) == ("dead", 3)
    assert dead.last_error == "Boom: attempt 3 failed"
    assert dead.traceback is not None
    assert "in run" in dead.traceback
    assert "raise Boom" in dead.traceback
    assert [event.kind for event in events] == [
        "enqueued",
        *["started", "failed", "retried"] * 2,
        "started",
        "failed",
        "dead",
    ]
    retried = [event.retry_at for event in events if event.kind == "retried"]
    assert retried == [first.run_at, second.run_at]


async def test_jitter_comes_from_the_injected_rng(clock: ManualClock, jobs: Jobs) -> None:
    jittered = RetryPolicy(attempts=2, base=100, jitter=0.5)
    jobs.retry_policy = jittered
    job_id = await jobs.enqueue(AlwaysFails())
    await jobs.drain()
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert stored.run_at is not None
    delay = (stored.run_at - clock()).total_seconds()
    assert 50 <= delay <= 150
    assert delay != 100


async def test_no_retry_errors_dead_letter_at_once(jobs: Jobs) -> None:
    job_id = await jobs.enqueue(FailsFatally())
    assert await jobs.drain() == 1
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert (stored.state, stored.attempts, stored.max_attempts) == ("dead", 1, 5)
    assert stored.last_error is not None
    assert stored.last_error.startswith("Fatal:")


async def test_a_dead_job_can_be_retried_and_then_succeeds(jobs: Jobs) -> None:
    jobs.retry_policy = RetryPolicy(attempts=1)
    job_id = await jobs.enqueue(FlakyOnce())
    flaky = await jobs.backend.get(job_id)
    assert flaky is not None
    assert flaky.max_attempts == 2
    await jobs.drain()  # attempt 1 fails; base 0 makes the retry due at once
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert (stored.state, stored.attempts) == ("succeeded", 2)

    dead_id = await jobs.enqueue(AlwaysFails())
    await jobs.drain()
    assert (await jobs.backend.get(dead_id)).state == "dead"  # type: ignore[union-attr]
    assert await jobs.backend.retry(dead_id)
    stored = await jobs.backend.get(dead_id)
    assert stored is not None
    assert (stored.state, stored.attempts) == ("queued", 0)


async def test_unknown_job_names_and_stale_payloads_dead_letter(jobs: Jobs) -> None:
    await jobs.backend.enqueue(
        [
            JobRecord(id="ghost", name="nowhere.Ghost", payload={}),
            JobRecord(id="stale", name=Record.job_name(), payload={"txt": 1}),
        ]
    )
    assert await jobs.drain(queues=["default"]) == 2
    ghost, stale = await jobs.backend.get("ghost"), await jobs.backend.get("stale")
    assert ghost is not None
    assert ghost.state == "dead"
    assert ghost.last_error is not None
    assert "unknown job 'nowhere.Ghost'" in ghost.last_error
    assert stale is not None
    assert stale.state == "dead"
    assert stale.last_error is not None
    assert "ValidationError" in stale.last_error


async def test_a_run_longer_than_its_timeout_fails(jobs: Jobs) -> None:
    job_id = await jobs.enqueue(Slow(seconds=5))
    await jobs.drain()
    stored = await jobs.backend.get(job_id)
    assert stored is not None
    assert stored.state == "dead"
    assert stored.last_error == "JobTimeoutError: timed out after 0.05s"


async def test_sync_jobs_run_in_a_worker_thread(jobs: Jobs) -> None:
    SyncJob.threads.clear()
    job_id = await jobs.enqueue(SyncJob())
    await jobs.drain()
    assert SyncJob.threads
    assert SyncJob.threads[0] != threading.current_thread().name
    assert (await jobs.backend.get(job_id)).state == "succeeded"  # type: ignore[union-attr]


async def test_cancelled_jobs_never_run(jobs: Jobs, clock: ManualClock) -> None:
    Record.calls.clear()
    job_id = await jobs.enqueue(Record(text="cancel me"), delay=60)
    assert await jobs.backend.cancel(job_id)
    clock.advance(120)
    assert await jobs.drain() == 0
    assert Record.calls == []
    assert not await jobs.backend.cancel(job_id)  # already finished


async def test_a_running_job_cannot_be_cancelled(jobs: Jobs) -> None:
    job_id = await jobs.enqueue(Record(text="x"))
    leased = await jobs.backend.fetch(["default"], 1, worker="w", lease_seconds=30)
    assert [record.id for record in leased] == [job_id]
    assert not await jobs.backend.cancel(job_id)


async def test_context_carries_attempt_and_refuses_a_missing_database(jobs: Jobs) -> None:
    record = JobRecord(id="j1", name="demo", payload={}, attempts=2, max_attempts=2)
    ctx: JobContext = jobs.context(record)
    assert (ctx.job_id, ctx.attempt, ctx.is_last_attempt) == ("j1", 2, True)
    with pytest.raises(ShipyardError, match="has no database"):
        ctx.session()


async def test_a_broken_event_callback_does_not_break_the_job(jobs: Jobs) -> None:
    def explode(event: JobEvent) -> None:
        raise RuntimeError("subscriber bug")

    unsubscribe = jobs.events.subscribe(explode)
    job_id = await jobs.enqueue(Record(text="x"))
    await jobs.drain()
    assert (await jobs.backend.get(job_id)).state == "succeeded"  # type: ignore[union-attr]
    unsubscribe()
