"""The fixtures and helpers the backend contract (:mod:`tests.jobs.contract`) is built on.

Split from the contract so its parts (:mod:`tests.jobs.contract_admin`...) can share them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from shipyard.core.clock import Clock, ManualClock
from shipyard.jobs.backend import JobBackend, JobRecord, State

BackendFactory = Callable[[Clock], Awaitable[JobBackend]]

LEASE = 30.0


FakeClock = ManualClock
"""A clock that only moves when told: ``clock()`` is now, ``clock.advance(s)`` moves it."""


_counter = iter(range(1, 10**9))


def record(**overrides: Any) -> JobRecord:
    """A job record with a fresh id; any field can be overridden."""
    number = next(_counter)
    fields: dict[str, Any] = {"id": f"job-{number:06d}", "name": "demo.job", "payload": {}}
    fields.update(overrides)
    return JobRecord(**fields)


class BackendFixtures:
    """``clock`` and ``backend`` (closed after the test) from the ``make_backend`` fixture."""

    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock()

    @pytest.fixture
    async def backend(
        self, make_backend: BackendFactory, clock: FakeClock
    ) -> AsyncIterator[JobBackend]:
        backend = await make_backend(clock)
        try:
            yield backend
        finally:
            await backend.close()


class ContractHelpers(BackendFixtures):
    """Fixtures plus the small steps the contract tests share (enqueue, lease, state)."""

    async def enqueue_one(self, backend: JobBackend, **fields: Any) -> str:
        [job_id] = await backend.enqueue([record(**fields)])
        return job_id

    async def state_of(self, backend: JobBackend, job_id: str) -> State:
        job = await backend.get(job_id)
        assert job is not None, f"job {job_id} vanished"
        return job.state

    async def lease_one(self, backend: JobBackend, worker: str = "w1") -> JobRecord:
        jobs = await backend.fetch(["default"], 1, worker=worker, lease_seconds=LEASE)
        assert len(jobs) == 1, f"expected one due job, got {jobs}"
        return jobs[0]
