"""The interface every job backend implements, and the records that cross it.

A backend stores :class:`JobRecord` rows and hands them to workers under a *lease*: a
worker that dies without finishing lets the lease expire, and the job runs again
(at-least-once delivery). States: ``scheduled`` (waiting for ``run_at``), ``queued``,
``running`` (leased), ``succeeded``, ``failed`` (will retry at ``run_at``), ``dead``
(out of attempts, kept with its error), ``cancelled``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

State = Literal["scheduled", "queued", "running", "succeeded", "failed", "dead", "cancelled"]
FINISHED: tuple[State, ...] = ("succeeded", "dead", "cancelled")
"""States a job ends in: ``finished_at`` is set, nothing runs it again unless retried."""
WORKER_FORGOTTEN = timedelta(days=1)
"""A worker silent this long past a ``workers()`` query's window is deleted (it died)."""


@dataclass
class JobRecord:
    """One stored job: what to run, when, and what happened so far."""

    id: str
    name: str
    """The registered job name (``Job.job_name()``)."""
    payload: dict[str, Any]
    """The job's validated arguments, JSON-ready (``job.model_dump(mode="json")``)."""
    queue: str = "default"
    priority: int = 0
    """Higher runs first among jobs that are due."""
    run_at: datetime | None = None
    """Not before this time (UTC); None means now."""
    state: State = "queued"
    attempts: int = 0
    max_attempts: int = 1
    timeout: float | None = None
    unique_key: str | None = None
    """While a job with this key is queued, scheduled, failed or running, another
    enqueue with the same key is refused (returns the existing id)."""
    last_error: str | None = None
    traceback: str | None = None
    lease_until: datetime | None = None
    worker: str | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkerBeat:
    """A worker's last sign of life (:mod:`shipyard.jobs.heartbeat`)."""

    name: str
    """The worker's name: ``host:pid:random``, unique per process."""
    queues: tuple[str, ...]
    started_at: datetime
    beat_at: datetime
    running: int = 0
    """Jobs it was running at that beat."""

    def as_json(self) -> dict[str, Any]:
        """The beat as JSON-ready values (what the Redis backend stores)."""
        return {
            "name": self.name,
            "queues": list(self.queues),
            "started_at": self.started_at.isoformat(),
            "beat_at": self.beat_at.isoformat(),
            "running": self.running,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkerBeat:
        """The beat :meth:`as_json` wrote."""
        return cls(
            name=str(data["name"]),
            queues=tuple(str(queue) for queue in data["queues"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            beat_at=datetime.fromisoformat(data["beat_at"]),
            running=int(data["running"]),
        )


@dataclass(frozen=True)
class QueueStats:
    """Counts of one queue by state, for the dashboard and ``shipyard jobs stats``."""

    queue: str
    counts: dict[str, int]


class JobBackend(Protocol):
    """Storage and leasing of jobs; every method is safe with several worker processes."""

    async def enqueue(self, records: Sequence[JobRecord]) -> list[str]:
        """Store new jobs; returns their ids (an existing id for a duplicate unique key).

        A record whose id is already stored is left out: the stored job stays as it is.
        Deterministic ids (cron ticks) rely on this to be enqueued once.
        """
        ...

    async def fetch(
        self, queues: Sequence[str], limit: int, *, worker: str, lease_seconds: float
    ) -> list[JobRecord]:
        """Lease up to ``limit`` due jobs of ``queues`` (priority, then run_at, then age).

        Due means queued, or scheduled/failed with ``run_at`` passed, or running with an
        expired lease (its worker died). Leased jobs become ``running`` with
        ``attempts`` incremented.
        """
        ...

    async def extend_lease(self, job_id: str, *, worker: str, lease_seconds: float) -> bool:
        """Keep a long job leased; False if the lease was lost (another worker has it)."""
        ...

    async def succeed(self, job_id: str, *, worker: str) -> None:
        """Mark a leased job done."""
        ...

    async def fail(
        self,
        job_id: str,
        *,
        worker: str,
        error: str,
        traceback: str,
        retry_at: datetime | None,
    ) -> None:
        """Record a failed attempt: retry at ``retry_at``, or dead-letter it when None."""
        ...

    async def release(self, job_id: str, *, worker: str) -> None:
        """Give a leased job back unrun (graceful shutdown): queued again, attempt undone."""
        ...

    async def cancel(self, job_id: str) -> bool:
        """Cancel a job that has not started; False if it is running or finished."""
        ...

    async def get(self, job_id: str) -> JobRecord | None:
        """One job by id."""
        ...

    async def list(
        self, *, states: Sequence[State] = (), queue: str | None = None, limit: int = 100
    ) -> list[JobRecord]:
        """Jobs filtered by state and queue, newest first."""
        ...

    async def stats(self) -> builtins.list[QueueStats]:
        """Counts per queue and state."""
        ...

    async def beat(self, worker: WorkerBeat) -> None:
        """Record a worker's heartbeat (the first one adds the worker)."""
        ...

    async def workers(self, *, since: datetime) -> builtins.list[WorkerBeat]:
        """Workers whose last beat is at or after ``since``, most recent first."""
        ...

    async def retire(self, worker: str) -> None:
        """Forget a worker that stopped (a dead one just stops beating)."""
        ...

    async def retry(self, job_id: str) -> bool:
        """Put a dead (or failed) job back in its queue now, attempts reset."""
        ...

    async def purge(
        self, *, states: Sequence[State], finished_before: datetime | None = None
    ) -> int:
        """Delete jobs in these states; returns how many.

        With ``finished_before``, only finished jobs (see :data:`FINISHED`) whose
        ``finished_at`` is earlier: the retention clean-up.
        """
        ...

    async def delete(self, job_id: str) -> bool:
        """Delete one finished job (dead, succeeded, cancelled); False if unknown or pending."""
        ...

    async def finished_since(self, since: datetime) -> dict[str, dict[State, int]]:
        """Per queue, how many jobs finished (by final state) at or after ``since``.

        Throughput for the dashboard: ``{"mail": {"succeeded": 40, "dead": 1}}``. Only
        jobs still stored count (a purge forgets them); queues with none are left out.
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
