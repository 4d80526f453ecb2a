"""Running one leased job and settling its outcome: succeeded, retried, or dead.

Shared by the :class:`~shipyard.jobs.worker.Worker` and the inline mode. An unknown job
name or arguments that no longer validate dead-letter the job at once (retrying cannot
help); any other exception is retried according to the job's :class:`RetryPolicy`.
While a job runs, every line logged (by any logger) carries its id, name, queue and
attempt: they are bound to structlog's context variables for the run.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from datetime import timedelta
from typing import TYPE_CHECKING

import structlog
from pydantic import ValidationError

from shipyard.errors import ShipyardError
from shipyard.jobs.backend import JobRecord, State
from shipyard.jobs.events import JobEvent
from shipyard.jobs.job import Job, execute

if TYPE_CHECKING:
    from shipyard.jobs.api import Jobs


class JobTimeoutError(Exception):
    """A run took longer than its timeout (it is retried like any other failure)."""


class Runner:
    """Runs leased records for one :class:`Jobs` service."""

    def __init__(self, jobs: Jobs) -> None:
        self.jobs = jobs

    async def run(self, record: JobRecord, worker: str) -> State:
        """Run ``record`` (already leased by ``worker``); returns the state it ends in."""
        with structlog.contextvars.bound_contextvars(
            job_id=record.id, job=record.name, queue=record.queue, attempt=record.attempts
        ):
            return await self._run(record, worker)

    async def _run(self, record: JobRecord, worker: str) -> State:
        try:
            job = self._load(record)
        except (ShipyardError, ValidationError) as error:
            return await self._settle_failure(record, worker, error, None, retry=False)
        await self.jobs.events.emit(JobEvent("started", record))
        started = time.monotonic()
        timeout = record.timeout or self.jobs.settings.default_timeout
        try:
            await asyncio.wait_for(execute(job, self.jobs.context(record)), timeout)
        except TimeoutError:
            timed_out = JobTimeoutError(f"timed out after {timeout:g}s")
            return await self._settle_failure(record, worker, timed_out, started, retry=True)
        except Exception as error:  # the job's own failure: recorded, never propagated
            return await self._settle_failure(record, worker, error, started, retry=True)
        await self.jobs.backend.succeed(record.id, worker=worker)
        duration = time.monotonic() - started
        await self.jobs.events.emit(JobEvent("succeeded", record, duration=duration))
        return "succeeded"

    def _load(self, record: JobRecord) -> Job:
        job_class = self.jobs.registry.resolve(record.name)
        return job_class.model_validate(record.payload)

    async def _settle_failure(
        self,
        record: JobRecord,
        worker: str,
        error: BaseException,
        started: float | None,
        *,
        retry: bool,
    ) -> State:
        message = f"{type(error).__name__}: {error}"
        trace = "".join(traceback.format_exception(error))
        policy = self.jobs.retry_policy_for(record.name)
        retry_at = None
        if retry and policy.retries(record.attempts, error):
            delay = policy.next_delay(record.attempts, self.jobs.rng)
            retry_at = self.jobs.clock() + timedelta(seconds=delay)
        await self.jobs.backend.fail(
            record.id, worker=worker, error=message, traceback=trace, retry_at=retry_at
        )
        duration = None if started is None else time.monotonic() - started
        events = self.jobs.events
        await events.emit(JobEvent("failed", record, error=message, duration=duration))
        if retry_at is None:
            await events.emit(JobEvent("dead", record, error=message))
            return "dead"
        await events.emit(JobEvent("retried", record, error=message, retry_at=retry_at))
        return "failed"
