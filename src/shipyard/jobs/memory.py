"""An in-process backend for tests and single-process development.

Jobs live in a dict guarded by an asyncio lock; nothing survives the process. It follows
the :class:`~shipyard.jobs.backend.JobBackend` contract exactly (leases, uniqueness,
retries, dead letters), so tests written against it hold for the real backends.
"""

from __future__ import annotations

import asyncio
import builtins
import copy
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from shipyard.core.clock import Clock, utc_now
from shipyard.jobs.backend import (
    FINISHED,
    WORKER_FORGOTTEN,
    JobRecord,
    QueueStats,
    State,
    WorkerBeat,
)

PENDING: tuple[State, ...] = ("queued", "scheduled", "failed", "running")
"""States in which a job holds its unique key."""


class MemoryBackend:
    """A :class:`JobBackend` keeping jobs in memory; ``clock`` decides what is due."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self.clock = clock
        self._jobs: dict[str, JobRecord] = {}
        self._workers: dict[str, WorkerBeat] = {}
        self._lock = asyncio.Lock()

    # -- writing ----------------------------------------------------------------------

    async def enqueue(self, records: Sequence[JobRecord]) -> list[str]:
        async with self._lock:
            ids = []
            for record in records:
                duplicate = self._jobs.get(record.id) or self._holder_of(record.unique_key)
                if duplicate is not None:
                    ids.append(duplicate.id)
                    continue
                stored = copy.deepcopy(record)
                stored.created_at = stored.created_at or self.clock()
                if stored.run_at is not None and stored.run_at > self.clock():
                    stored.state = "scheduled"
                else:
                    stored.state = "queued"
                self._jobs[stored.id] = stored
                ids.append(stored.id)
            return ids

    async def fetch(
        self, queues: Sequence[str], limit: int, *, worker: str, lease_seconds: float
    ) -> list[JobRecord]:
        async with self._lock:
            now = self.clock()
            due = [job for job in self._jobs.values() if job.queue in queues and _due(job, now)]
            due.sort(key=lambda job: (-job.priority, job.run_at or job.created_at or now))
            leased = []
            for job in due[: max(limit, 0)]:
                job.state = "running"
                job.attempts += 1
                job.worker = worker
                job.lease_until = now + timedelta(seconds=lease_seconds)
                leased.append(copy.deepcopy(job))
            return leased

    async def extend_lease(self, job_id: str, *, worker: str, lease_seconds: float) -> bool:
        async with self._lock:
            job = self._leased(job_id, worker)
            if job is None:
                return False
            job.lease_until = self.clock() + timedelta(seconds=lease_seconds)
            return True

    async def succeed(self, job_id: str, *, worker: str) -> None:
        async with self._lock:
            job = self._leased(job_id, worker)
            if job is not None:
                self._finish(job, "succeeded")

    async def fail(
        self,
        job_id: str,
        *,
        worker: str,
        error: str,
        traceback: str,
        retry_at: datetime | None,
    ) -> None:
        async with self._lock:
            job = self._leased(job_id, worker)
            if job is None:
                return
            job.last_error, job.traceback = error, traceback
            if retry_at is None:
                self._finish(job, "dead")
            else:
                job.state, job.run_at = "failed", retry_at
                job.lease_until = job.worker = None

    async def release(self, job_id: str, *, worker: str) -> None:
        async with self._lock:
            job = self._leased(job_id, worker)
            if job is not None:
                job.state = "queued"
                job.attempts = max(job.attempts - 1, 0)
                job.lease_until = job.worker = None

    async def cancel(self, job_id: str) -> bool:
        async with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in ("queued", "scheduled", "failed"):
                return False
            self._finish(job, "cancelled")
            return True

    async def retry(self, job_id: str) -> bool:
        async with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in ("dead", "failed"):
                return False
            if job.state == "dead" and self._holder_of(job.unique_key) is not None:
                return False  # a newer job holds the key now
            job.state, job.attempts, job.run_at = "queued", 0, None
            job.finished_at = job.lease_until = job.worker = None
            return True

    async def purge(
        self, *, states: Sequence[State], finished_before: datetime | None = None
    ) -> int:
        async with self._lock:
            doomed = [
                key
                for key, job in self._jobs.items()
                if job.state in states
                and (
                    finished_before is None
                    or (job.finished_at is not None and job.finished_at < finished_before)
                )
            ]
            for key in doomed:
                del self._jobs[key]
            return len(doomed)

    async def delete(self, job_id: str) -> bool:
        async with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in FINISHED:
                return False
            del self._jobs[job_id]
            return True

    async def close(self) -> None:
        """Nothing to release."""

    # -- reading ----------------------------------------------------------------------

    async def get(self, job_id: str) -> JobRecord | None:
        job = self._jobs.get(job_id)
        return copy.deepcopy(job) if job is not None else None

    async def list(
        self, *, states: Sequence[State] = (), queue: str | None = None, limit: int = 100
    ) -> list[JobRecord]:
        jobs = [
            job
            for job in self._jobs.values()
            if (not states or job.state in states) and (queue is None or job.queue == queue)
        ]
        jobs.reverse()  # dicts keep insertion order: newest first
        return [copy.deepcopy(job) for job in jobs[: max(limit, 0)]]

    async def stats(self) -> builtins.list[QueueStats]:
        counts: dict[str, Counter[str]] = {}
        for job in self._jobs.values():
            counts.setdefault(job.queue, Counter())[job.state] += 1
        return [QueueStats(queue, dict(counts[queue])) for queue in sorted(counts)]

    async def beat(self, worker: WorkerBeat) -> None:
        self._workers[worker.name] = worker

    async def workers(self, *, since: datetime) -> builtins.list[WorkerBeat]:
        for beat in [b for b in self._workers.values() if b.beat_at < since - WORKER_FORGOTTEN]:
            del self._workers[beat.name]  # long silent: died without retiring
        alive = [beat for beat in self._workers.values() if beat.beat_at >= since]
        return sorted(alive, key=lambda beat: beat.beat_at, reverse=True)

    async def retire(self, worker: str) -> None:
        self._workers.pop(worker, None)

    async def finished_since(self, since: datetime) -> dict[str, dict[State, int]]:
        counts: dict[str, dict[State, int]] = {}
        for job in self._jobs.values():
            if job.state in FINISHED and job.finished_at is not None and job.finished_at >= since:
                per_queue = counts.setdefault(job.queue, {})
                per_queue[job.state] = per_queue.get(job.state, 0) + 1
        return counts

    # -- helpers ----------------------------------------------------------------------

    def _holder_of(self, unique_key: str | None) -> JobRecord | None:
        if unique_key is None:
            return None
        for job in self._jobs.values():
            if job.unique_key == unique_key and job.state in PENDING:
                return job
        return None

    def _leased(self, job_id: str, worker: str) -> JobRecord | None:
        job = self._jobs.get(job_id)
        if job is None or job.state != "running" or job.worker != worker:
            return None
        return job

    def _finish(self, job: JobRecord, state: State) -> None:
        job.state, job.finished_at = state, self.clock()
        job.lease_until = job.worker = None


def _due(job: JobRecord, now: datetime) -> bool:
    if job.state == "queued":
        return True
    if job.state in ("scheduled", "failed"):
        return job.run_at is None or job.run_at <= now
    if job.state == "running":
        return job.lease_until is not None and job.lease_until <= now
    return False
