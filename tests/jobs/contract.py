"""The behaviour every :class:`~shipyard.jobs.backend.JobBackend` must have.

Use it by subclassing :class:`BackendContract` in a ``test_*.py`` module and giving the
subclass a ``make_backend`` fixture: a function that takes a clock (a callable returning
the current aware UTC datetime) and returns a fresh, empty backend that reads the time
only from that clock::

    class TestMemoryBackend(BackendContract):
        @pytest.fixture
        def make_backend(self) -> BackendFactory:
            async def make(clock: Clock) -> JobBackend:
                return MemoryBackend(clock=clock)
            return make

The suite drives time with :class:`~shipyard.core.clock.ManualClock` (no sleeps),
closes the backend after each test, and covers leasing, lease expiry and re-delivery,
priority order, delayed jobs, unique keys, fail -> retry / dead, release, cancel, retry,
purge, list and stats, and (:mod:`tests.jobs.contract_admin`) what the dashboard
needs: delete and throughput.

Semantics the suite pins down beyond the protocol's docstrings: a call to ``succeed``,
``fail`` or ``release`` from a worker that no longer holds the lease is ignored; ``cancel``
works on scheduled, queued and failed (waiting to retry) jobs; ``retry`` works on dead and
failed jobs only; ``attempts`` counts leases (``release`` undoes one).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from unittest.mock import ANY

from tests.jobs.contract_admin import AdminContract
from tests.jobs.contract_base import (
    LEASE,
    BackendFactory,
    BackendFixtures,
    ContractHelpers,
    FakeClock,
    record,
)
from tests.jobs.contract_workers import WorkersContract

from shipyard.core.clock import Clock
from shipyard.jobs.backend import JobBackend

__all__ = [
    "LEASE",
    "BackendContract",
    "BackendFactory",
    "BackendFixtures",
    "Clock",
    "FakeClock",
    "record",
]


class BackendContract(AdminContract, WorkersContract, ContractHelpers):
    """The shared backend test suite; subclasses provide the ``make_backend`` fixture."""

    # -- enqueue and get --------------------------------------------------------------

    async def test_enqueue_stores_the_record(self, backend: JobBackend, clock: FakeClock) -> None:
        payload = {"user": 1, "tags": ["a", "ü"], "nested": {"q": "'; DROP TABLE x; --"}}
        job = record(
            payload=payload, queue="mail", priority=3, max_attempts=5, timeout=2.5, meta={"k": 1}
        )
        assert await backend.enqueue([job]) == [job.id]
        stored = await backend.get(job.id)
        assert stored is not None
        assert (stored.name, stored.payload, stored.queue) == ("demo.job", payload, "mail")
        assert (stored.priority, stored.max_attempts, stored.timeout) == (3, 5, 2.5)
        assert (stored.state, stored.attempts, stored.meta) == ("queued", 0, {"k": 1})
        assert stored.created_at == clock()
        assert (stored.last_error, stored.finished_at) == (None, None)

    async def test_enqueue_many_keeps_order_and_empty_is_noop(self, backend: JobBackend) -> None:
        jobs = [record() for _ in range(5)]
        assert await backend.enqueue(jobs) == [job.id for job in jobs]
        assert await backend.enqueue([]) == []
        assert len(await backend.list()) == 5

    async def test_get_unknown_is_none(self, backend: JobBackend) -> None:
        assert await backend.get("no-such-job") is None

    async def test_future_run_at_is_scheduled(self, backend: JobBackend, clock: FakeClock) -> None:
        later = await self.enqueue_one(backend, run_at=clock() + timedelta(seconds=60))
        now = await self.enqueue_one(backend, run_at=clock())
        assert await self.state_of(backend, later) == "scheduled"
        assert await self.state_of(backend, now) == "queued"

    # -- fetch ------------------------------------------------------------------------

    async def test_fetch_leases_due_jobs(self, backend: JobBackend, clock: FakeClock) -> None:
        job_id = await self.enqueue_one(backend)
        job = await self.lease_one(backend)
        assert (job.id, job.state, job.attempts, job.worker) == (job_id, "running", 1, "w1")
        assert job.lease_until == clock() + timedelta(seconds=LEASE)
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.attempts) == ("running", 1)

    async def test_fetch_respects_limit_and_queues(self, backend: JobBackend) -> None:
        await backend.enqueue([record(queue="a") for _ in range(3)] + [record(queue="b")])
        first = await backend.fetch(["a"], 2, worker="w", lease_seconds=LEASE)
        assert [job.queue for job in first] == ["a", "a"]
        rest = await backend.fetch(["a", "b"], 10, worker="w", lease_seconds=LEASE)
        assert sorted(job.queue for job in rest) == ["a", "b"]
        assert await backend.fetch(["a", "b"], 10, worker="w", lease_seconds=LEASE) == []
        assert await backend.fetch(["c"], 10, worker="w", lease_seconds=LEASE) == []

    async def test_fetch_with_nothing_asked_returns_nothing(self, backend: JobBackend) -> None:
        await self.enqueue_one(backend)
        assert await backend.fetch([], 5, worker="w", lease_seconds=LEASE) == []
        assert await backend.fetch(["default"], 0, worker="w", lease_seconds=LEASE) == []

    async def test_fetch_order_priority_then_run_at_then_age(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        old_low = await self.enqueue_one(backend, priority=0)
        clock.advance(1)
        early_high = await self.enqueue_one(backend, priority=5, run_at=clock())
        clock.advance(1)
        new_low = await self.enqueue_one(backend, priority=0)
        late_high = await self.enqueue_one(backend, priority=5, run_at=clock())
        top = await self.enqueue_one(backend, priority=9)
        clock.advance(1)
        fetched = []
        for _ in range(5):
            fetched.append((await self.lease_one(backend)).id)
        assert fetched == [top, early_high, late_high, old_low, new_low]

    async def test_scheduled_job_waits_for_run_at(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        job_id = await self.enqueue_one(backend, run_at=clock() + timedelta(seconds=60))
        assert await backend.fetch(["default"], 5, worker="w", lease_seconds=LEASE) == []
        clock.advance(59)
        assert await backend.fetch(["default"], 5, worker="w", lease_seconds=LEASE) == []
        clock.advance(1)
        assert (await self.lease_one(backend)).id == job_id

    async def test_concurrent_fetches_never_share_a_job(self, backend: JobBackend) -> None:
        await backend.enqueue([record() for _ in range(40)])
        batches = await asyncio.gather(
            *(backend.fetch(["default"], 7, worker=f"w{n}", lease_seconds=LEASE) for n in range(8))
        )
        ids = [job.id for batch in batches for job in batch]
        assert sorted(ids) == sorted(set(ids))
        assert len(ids) == 40

    # -- leases -----------------------------------------------------------------------

    async def test_expired_lease_is_delivered_again(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend, "w1")
        clock.advance(LEASE - 1)
        assert await backend.fetch(["default"], 5, worker="w2", lease_seconds=LEASE) == []
        clock.advance(1)
        again = await self.lease_one(backend, "w2")
        assert (again.id, again.worker, again.attempts) == (job_id, "w2", 2)

    async def test_extend_lease_keeps_the_job(self, backend: JobBackend, clock: FakeClock) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend, "w1")
        clock.advance(LEASE - 1)
        assert await backend.extend_lease(job_id, worker="w1", lease_seconds=LEASE)
        clock.advance(LEASE - 1)
        assert await backend.fetch(["default"], 5, worker="w2", lease_seconds=LEASE) == []
        assert not await backend.extend_lease(job_id, worker="w2", lease_seconds=LEASE)
        assert not await backend.extend_lease("no-such-job", worker="w1", lease_seconds=LEASE)

    async def test_lost_lease_cannot_be_extended_or_finished(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend, "w1")
        clock.advance(LEASE + 1)
        await self.lease_one(backend, "w2")
        assert not await backend.extend_lease(job_id, worker="w1", lease_seconds=LEASE)
        await backend.succeed(job_id, worker="w1")
        await backend.fail(job_id, worker="w1", error="x", traceback="tb", retry_at=None)
        await backend.release(job_id, worker="w1")
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.worker, stored.attempts) == ("running", "w2", 2)

    # -- outcomes ---------------------------------------------------------------------

    async def test_succeed(self, backend: JobBackend, clock: FakeClock) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend)
        clock.advance(3)
        await backend.succeed(job_id, worker="w1")
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.finished_at) == ("succeeded", clock())
        clock.advance(LEASE * 2)
        assert await backend.fetch(["default"], 5, worker="w2", lease_seconds=LEASE) == []

    async def test_fail_with_retry_at_retries_later(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        job_id = await self.enqueue_one(backend, max_attempts=3)
        await self.lease_one(backend)
        retry_at = clock() + timedelta(seconds=10)
        await backend.fail(
            job_id,
            worker="w1",
            error="ValueError: boom",
            traceback="Traceback...",
            retry_at=retry_at,
        )
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.run_at, stored.attempts) == ("failed", retry_at, 1)
        assert (stored.last_error, stored.traceback) == ("ValueError: boom", "Traceback...")
        clock.advance(9)
        assert await backend.fetch(["default"], 5, worker="w1", lease_seconds=LEASE) == []
        clock.advance(1)
        again = await self.lease_one(backend)
        assert (again.id, again.attempts, again.state) == (job_id, 2, "running")

    async def test_fail_without_retry_at_dead_letters(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend)
        await backend.fail(
            job_id, worker="w1", error="KeyError: 'x'", traceback="tb", retry_at=None
        )
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.last_error, stored.traceback) == (
            "dead",
            "KeyError: 'x'",
            "tb",
        )
        assert stored.finished_at == clock()
        clock.advance(3600)
        assert await backend.fetch(["default"], 5, worker="w1", lease_seconds=LEASE) == []

    async def test_release_requeues_and_undoes_the_attempt(self, backend: JobBackend) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend, "w1")
        await backend.release(job_id, worker="w1")
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.attempts) == ("queued", 0)
        again = await self.lease_one(backend, "w2")
        assert (again.id, again.attempts) == (job_id, 1)

    # -- cancel, retry, purge ---------------------------------------------------------

    async def test_cancel_pending_jobs(self, backend: JobBackend, clock: FakeClock) -> None:
        queued = await self.enqueue_one(backend)
        scheduled = await self.enqueue_one(backend, run_at=clock() + timedelta(seconds=5))
        assert await backend.cancel(queued)
        assert await backend.cancel(scheduled)
        assert await self.state_of(backend, queued) == "cancelled"
        assert await self.state_of(backend, scheduled) == "cancelled"
        clock.advance(10)
        assert await backend.fetch(["default"], 5, worker="w", lease_seconds=LEASE) == []
        assert not await backend.cancel(queued), "cancelling twice reports nothing to cancel"
        assert not await backend.cancel("no-such-job")

    async def test_cancel_failed_job_waiting_to_retry(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend)
        retry_at = clock() + timedelta(seconds=5)
        await backend.fail(job_id, worker="w1", error="e", traceback="t", retry_at=retry_at)
        assert await backend.cancel(job_id)
        clock.advance(10)
        assert await backend.fetch(["default"], 5, worker="w", lease_seconds=LEASE) == []

    async def test_cannot_cancel_running_or_finished(self, backend: JobBackend) -> None:
        running = await self.enqueue_one(backend)
        await self.lease_one(backend)
        assert not await backend.cancel(running)
        assert await self.state_of(backend, running) == "running"
        await backend.succeed(running, worker="w1")
        assert not await backend.cancel(running)
        assert await self.state_of(backend, running) == "succeeded"

    async def test_retry_dead_job(self, backend: JobBackend, clock: FakeClock) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend)
        await backend.fail(job_id, worker="w1", error="e", traceback="t", retry_at=None)
        clock.advance(100)
        assert await backend.retry(job_id)
        stored = await backend.get(job_id)
        assert stored is not None
        assert (stored.state, stored.attempts) == ("queued", 0)
        again = await self.lease_one(backend)
        assert (again.id, again.attempts) == (job_id, 1)

    async def test_retry_failed_job_runs_now(self, backend: JobBackend, clock: FakeClock) -> None:
        job_id = await self.enqueue_one(backend)
        await self.lease_one(backend)
        later = clock() + timedelta(hours=1)
        await backend.fail(job_id, worker="w1", error="e", traceback="t", retry_at=later)
        assert await backend.retry(job_id)
        assert (await self.lease_one(backend)).id == job_id

    async def test_retry_refuses_other_states(self, backend: JobBackend) -> None:
        queued = await self.enqueue_one(backend)
        assert not await backend.retry(queued)
        await self.lease_one(backend)
        assert not await backend.retry(queued)
        await backend.succeed(queued, worker="w1")
        assert not await backend.retry(queued)
        assert not await backend.retry("no-such-job")

    async def test_purge_by_state(self, backend: JobBackend) -> None:
        dead = [await self.enqueue_one(backend) for _ in range(2)]
        for job_id in dead:
            await self.lease_one(backend)
            await backend.fail(job_id, worker="w1", error="e", traceback="t", retry_at=None)
        cancelled = await self.enqueue_one(backend)
        await backend.cancel(cancelled)
        kept = await self.enqueue_one(backend)
        assert await backend.purge(states=["dead"]) == 2
        assert [await backend.get(job_id) for job_id in dead] == [None, None]
        assert await backend.purge(states=[]) == 0
        assert await backend.purge(states=["dead", "cancelled"]) == 1
        assert await self.state_of(backend, kept) == "queued"

    # -- unique keys ------------------------------------------------------------------

    async def test_unique_key_refuses_duplicates_while_pending(self, backend: JobBackend) -> None:
        first = await self.enqueue_one(backend, unique_key="report:7")
        assert await self.enqueue_one(backend, unique_key="report:7") == first
        batch = await backend.enqueue(
            [record(unique_key="report:8"), record(unique_key="report:8")]
        )
        assert batch[0] == batch[1]
        assert len(await backend.list()) == 2

    async def test_unique_key_held_while_running_and_failed(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        first = await self.enqueue_one(backend, unique_key="k")
        await self.lease_one(backend)
        assert await self.enqueue_one(backend, unique_key="k") == first
        await backend.fail(first, worker="w1", error="e", traceback="t", retry_at=clock())
        assert await self.enqueue_one(backend, unique_key="k") == first

    async def test_unique_key_free_again_once_finished(self, backend: JobBackend) -> None:
        first = await self.enqueue_one(backend, unique_key="k")
        await self.lease_one(backend)
        await backend.succeed(first, worker="w1")
        second = await self.enqueue_one(backend, unique_key="k")
        assert second != first
        await backend.cancel(second)
        third = await self.enqueue_one(backend, unique_key="k")
        assert third not in {first, second}

    async def test_unique_keys_are_exact(self, backend: JobBackend) -> None:
        keys = ["k", "K", "k ", "ключ", "a'b\"c", "%", "_"]
        ids = await backend.enqueue([record(unique_key=key) for key in keys])
        assert len(set(ids)) == len(keys)

    async def test_concurrent_unique_enqueues_store_one_job(self, backend: JobBackend) -> None:
        results = await asyncio.gather(
            *(backend.enqueue([record(unique_key="race")]) for _ in range(10))
        )
        assert len({ids[0] for ids in results}) == 1
        assert len(await backend.list()) == 1

    # -- stored ids -------------------------------------------------------------------

    async def test_an_id_already_stored_is_not_stored_again(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        first = record(payload={"n": 1})
        assert await backend.enqueue([first]) == [first.id]
        await self.lease_one(backend)
        await backend.succeed(first.id, worker="w1")
        again = record(payload={"n": 2})
        again.id = first.id
        assert await backend.enqueue([again, record()]) == [first.id, ANY]
        stored = await backend.get(first.id)
        assert stored is not None
        assert (stored.state, stored.payload) == ("succeeded", {"n": 1})
        assert len(await backend.list()) == 2

    async def test_concurrent_enqueues_of_one_id_store_one_job(self, backend: JobBackend) -> None:
        tick = record()
        results = await asyncio.gather(*(backend.enqueue([tick]) for _ in range(10)))
        assert results == [[tick.id]] * 10
        assert len(await backend.list()) == 1

    # -- list and stats ---------------------------------------------------------------

    async def test_list_filters_newest_first(self, backend: JobBackend, clock: FakeClock) -> None:
        ids = []
        for queue in ["a", "b", "a", "a"]:
            ids.append(await self.enqueue_one(backend, queue=queue))
            clock.advance(1)
        await backend.cancel(ids[2])
        assert [job.id for job in await backend.list()] == ids[::-1]
        assert [job.id for job in await backend.list(queue="a")] == [ids[3], ids[2], ids[0]]
        assert [job.id for job in await backend.list(states=["cancelled"])] == [ids[2]]
        queued_a = await backend.list(states=["queued"], queue="a", limit=1)
        assert [job.id for job in queued_a] == [ids[3]]
        assert await backend.list(states=["dead"]) == []

    async def test_stats_count_per_queue_and_state(self, backend: JobBackend) -> None:
        assert await backend.stats() == []
        await backend.enqueue([record(queue="a"), record(queue="a"), record(queue="b")])
        leased = await backend.fetch(["a"], 1, worker="w", lease_seconds=LEASE)
        await backend.succeed(leased[0].id, worker="w")
        counts = {
            stats.queue: {state: n for state, n in stats.counts.items() if n}
            for stats in await backend.stats()
        }
        assert counts == {"a": {"queued": 1, "succeeded": 1}, "b": {"queued": 1}}
