"""The part of the backend contract the jobs dashboard relies on: delete and throughput.

``delete`` removes one finished job (dead, succeeded, cancelled) and nothing pending;
``finished_since`` counts, per queue and final state, the jobs that finished at or after
a moment (the backend's clock decides ``finished_at``). :class:`AdminContract` is mixed
into :class:`tests.jobs.contract.BackendContract`, so it runs on every backend.
"""

from __future__ import annotations

from datetime import timedelta

from tests.jobs.contract_base import ContractHelpers, FakeClock

from shipyard.jobs.backend import JobBackend


class AdminContract(ContractHelpers):
    """Delete and throughput, on any backend (``make_backend`` comes from the subclass)."""

    async def finish(self, backend: JobBackend, outcome: str, **fields: object) -> str:
        """Enqueue a job and take it to ``succeeded``, ``dead`` or ``cancelled``."""
        job_id = await self.enqueue_one(backend, **fields)
        if outcome == "cancelled":
            assert await backend.cancel(job_id)
            return job_id
        queue = str(fields.get("queue", "default"))
        [job] = await backend.fetch([queue], 1, worker="w1", lease_seconds=30)
        assert job.id == job_id
        if outcome == "succeeded":
            await backend.succeed(job_id, worker="w1")
        else:
            await backend.fail(job_id, worker="w1", error="E", traceback="T", retry_at=None)
        return job_id

    # -- delete -----------------------------------------------------------------------

    async def test_delete_removes_finished_jobs(self, backend: JobBackend) -> None:
        for outcome in ("dead", "succeeded", "cancelled"):
            job_id = await self.finish(backend, outcome)
            assert await backend.delete(job_id), outcome
            assert await backend.get(job_id) is None
            assert not await backend.delete(job_id), "a second delete finds nothing"
        assert await backend.list() == []
        assert await backend.stats() == []

    async def test_delete_refuses_pending_and_unknown_jobs(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        queued = await self.enqueue_one(backend)
        scheduled = await self.enqueue_one(backend, run_at=clock() + timedelta(hours=1))
        running = await self.enqueue_one(backend, queue="busy")
        await backend.fetch(["busy"], 1, worker="w1", lease_seconds=30)
        for job_id in (queued, scheduled, running, "no-such-job"):
            assert not await backend.delete(job_id), job_id
        assert [await self.state_of(backend, i) for i in (queued, scheduled, running)] == [
            "queued",
            "scheduled",
            "running",
        ]

    async def test_deleted_dead_job_frees_its_unique_key(self, backend: JobBackend) -> None:
        job_id = await self.finish(backend, "dead", unique_key="report")
        assert await backend.delete(job_id)
        again = await self.enqueue_one(backend, unique_key="report")
        assert again != job_id
        assert await self.state_of(backend, again) == "queued"

    # -- throughput -------------------------------------------------------------------

    async def test_finished_since_counts_per_queue_and_final_state(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        assert await backend.finished_since(clock()) == {}
        await self.finish(backend, "succeeded")
        clock.advance(120)
        start = clock()
        await self.finish(backend, "succeeded")
        await self.finish(backend, "succeeded")
        await self.finish(backend, "dead")
        await self.finish(backend, "succeeded", queue="mail")
        await self.finish(backend, "cancelled", queue="mail")
        await self.enqueue_one(backend)  # pending: not counted
        assert await backend.finished_since(start) == {
            "default": {"succeeded": 2, "dead": 1},
            "mail": {"succeeded": 1, "cancelled": 1},
        }
        everything = await backend.finished_since(start - timedelta(hours=1))
        assert everything["default"] == {"succeeded": 3, "dead": 1}
        assert await backend.finished_since(clock() + timedelta(seconds=1)) == {}

    async def test_throughput_forgets_retried_and_purged_jobs(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        start = clock()
        dead = await self.finish(backend, "dead")
        await self.finish(backend, "succeeded")
        assert await backend.retry(dead)
        assert await backend.finished_since(start) == {"default": {"succeeded": 1}}
        clock.advance(5)
        [job] = await backend.fetch(["default"], 1, worker="w2", lease_seconds=30)
        await backend.succeed(job.id, worker="w2")
        assert await backend.finished_since(start) == {"default": {"succeeded": 2}}
        assert await backend.finished_since(start + timedelta(seconds=5)) == {
            "default": {"succeeded": 1}
        }
        assert await backend.purge(states=["succeeded"]) == 2
        assert await backend.finished_since(start) == {}

    # -- retention --------------------------------------------------------------------

    async def test_purge_finished_before_keeps_recent_and_pending_jobs(
        self, backend: JobBackend, clock: FakeClock
    ) -> None:
        old = [await self.finish(backend, outcome) for outcome in ("succeeded", "cancelled")]
        old_dead = await self.finish(backend, "dead")
        clock.advance(3600)
        cutoff = clock()
        recent = await self.finish(backend, "succeeded")
        pending = await self.enqueue_one(backend)
        clock.advance(3600)
        assert await backend.purge(states=["succeeded", "cancelled"], finished_before=cutoff) == 2
        assert [await backend.get(job_id) for job_id in old] == [None, None]
        assert await self.state_of(backend, recent) == "succeeded"
        assert await self.state_of(backend, old_dead) == "dead", "dead jobs were not asked for"
        assert await self.state_of(backend, pending) == "queued"
        # A pending state with a cut-off deletes nothing: pending jobs have not finished.
        assert await backend.purge(states=["queued"], finished_before=clock()) == 0
        assert await backend.purge(states=["dead"], finished_before=clock()) == 1
