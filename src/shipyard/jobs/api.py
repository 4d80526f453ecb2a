"""The ``Jobs`` service: enqueue jobs, optionally after a database commit, and run them inline.

::

    jobs = get_jobs(request.app)
    await jobs.enqueue(WelcomeEmail(user_id=1), delay=60)
    await jobs.enqueue(Invoice(order=7), session=db)  # stored only if `db` commits
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.util import await_only

from shipyard.config.sections.jobs import JobsSettings
from shipyard.core.clock import Clock, utc_now
from shipyard.errors import ShipyardError
from shipyard.jobs.backend import JobBackend, JobRecord
from shipyard.jobs.context import JobContext
from shipyard.jobs.events import JobEvent, JobEvents
from shipyard.jobs.job import Job
from shipyard.jobs.registry import JobRegistry, registry
from shipyard.jobs.retry import RetryPolicy
from shipyard.jobs.runner import Runner
from shipyard.jobs.tracecontext import META_KEY, current_trace_context

if TYPE_CHECKING:
    from shipyard.jobs.cron.schedule import CronSchedule

PENDING_KEY = "shipyard.jobs.pending"
LISTENING_KEY = "shipyard.jobs.listening"
logger = logging.getLogger("shipyard.jobs")


class Jobs:
    """Enqueues jobs into a backend and builds the context they run with."""

    def __init__(
        self,
        backend: JobBackend,
        *,
        settings: JobsSettings | None = None,
        events: JobEvents | None = None,
        clock: Clock = utc_now,
        registry: JobRegistry = registry,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        app: Any = None,
        rng: random.Random | None = None,
        schedules: Sequence[CronSchedule] = (),
    ) -> None:
        self.backend = backend
        self.settings = settings or JobsSettings()
        self.events = events or JobEvents()
        self.clock = clock
        self.registry = registry
        self.sessionmaker = sessionmaker
        self.app = app
        self.rng = rng or random.Random()  # noqa: S311  # nosec B311 - jitter, not secrets
        self.schedules = list(schedules)
        """The cron schedules workers' schedulers enqueue (see :mod:`shipyard.jobs.cron`)."""
        retry = self.settings.retry
        self.retry_policy = RetryPolicy(
            attempts=retry.attempts,
            base=retry.base,
            factor=retry.factor,
            cap=retry.cap,
            jitter=retry.jitter,
        )
        self.runner = Runner(self)

    # -- enqueueing -------------------------------------------------------------------

    async def enqueue(
        self,
        job: Job,
        *,
        delay: float | timedelta | None = None,
        at: datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        unique_key: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the job's limit, not this call's
        session: AsyncSession | None = None,
    ) -> str:
        """Store ``job``; returns its id (the pending job's id for a duplicate unique key).

        With ``session``, the job is stored when that session's transaction commits and
        dropped if it rolls back; the returned id is then the one it will get.
        """
        record = self.record(
            job,
            delay=delay,
            at=at,
            priority=priority,
            queue=queue,
            unique_key=unique_key,
            timeout=timeout,
        )
        if session is not None:
            self._after_commit(session, [record])
            return record.id
        return (await self.store([record]))[0]

    async def enqueue_many(
        self,
        jobs: Iterable[Job],
        *,
        delay: float | timedelta | None = None,
        at: datetime | None = None,
        queue: str | None = None,
        session: AsyncSession | None = None,
    ) -> list[str]:
        """Store many jobs in one backend call (each keeps its own class options)."""
        records = [self.record(job, delay=delay, at=at, queue=queue) for job in jobs]
        if session is not None:
            self._after_commit(session, records)
            return [record.id for record in records]
        return await self.store(records) if records else []

    def record(
        self,
        job: Job,
        *,
        delay: float | timedelta | None = None,
        at: datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        unique_key: str | None = None,
        timeout: float | None = None,
    ) -> JobRecord:
        """The :class:`JobRecord` that ``enqueue`` would store for ``job``."""
        if not isinstance(job, Job):
            raise ShipyardError(
                f"jobs.enqueue() takes a Job instance, got {type(job).__name__}",
                hint="define `class MyJob(Job)` and enqueue MyJob(arg=...)",
            )
        policy = self.retry_policy_for(job.job_name())
        carried = current_trace_context()
        return JobRecord(
            id=uuid.uuid4().hex,
            name=job.job_name(),
            payload=job.model_dump(mode="json"),
            queue=queue or job.queue,
            priority=job.priority if priority is None else priority,
            run_at=self._run_at(delay, at),
            max_attempts=policy.attempts,
            timeout=timeout if timeout is not None else job.timeout,
            unique_key=unique_key,
            created_at=self.clock(),
            meta={} if carried is None else {META_KEY: carried},
        )

    async def store(self, records: Sequence[JobRecord]) -> list[str]:
        """Hand built records to the backend, emit ``enqueued``, and run them if inline."""
        ids = await self.backend.enqueue(records)
        for record, stored_id in zip(records, ids, strict=True):
            if stored_id == record.id:
                await self.events.emit(JobEvent("enqueued", record))
        if self.settings.inline:
            await self.drain(queues=sorted({record.queue for record in records}))
        return ids

    # -- running ----------------------------------------------------------------------

    async def drain(self, *, queues: Sequence[str] | None = None, worker: str = "inline") -> int:
        """Run every due job of ``queues`` now, one at a time, until none is due.

        For tests and the inline mode; returns how many runs happened. Retries that are
        due later are left for later (move the clock and drain again).
        """
        wanted = list(queues) if queues is not None else await self._all_queues()
        runs = 0
        while batch := await self.backend.fetch(
            wanted, 1, worker=worker, lease_seconds=self.settings.lease_seconds
        ):
            for record in batch:
                await self.runner.run(record, worker)
                runs += 1
        return runs

    async def retry_dead(
        self, *, queue: str | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Put every dead job (of ``queue``) back in its queue now; returns how many.

        ``progress(done, total)`` is called after each job (the CLI draws a bar with it).
        """
        dead = await self.backend.list(states=["dead"], queue=queue, limit=1_000_000)
        retried = 0
        for done, record in enumerate(dead, start=1):
            retried += await self.backend.retry(record.id)
            if progress is not None:
                progress(done, len(dead))
        return retried

    def context(self, record: JobRecord) -> JobContext:
        """The ``ctx`` a run of ``record`` receives."""
        return JobContext(
            job_id=record.id,
            name=record.name,
            attempt=record.attempts,
            max_attempts=record.max_attempts,
            logger=logger.getChild(record.name),
            settings=getattr(self.app, "settings", None),
            sessionmaker=self.sessionmaker,
            app=self.app,
            jobs=self,
        )

    def retry_policy_for(self, name: str) -> RetryPolicy:
        """The job class's own policy, or the global one."""
        try:
            own = self.registry.resolve(name).retry
        except ShipyardError:
            own = None
        return own or self.retry_policy

    async def close(self) -> None:
        """Close the backend."""
        await self.backend.close()

    # -- helpers ----------------------------------------------------------------------

    def _run_at(self, delay: float | timedelta | None, at: datetime | None) -> datetime | None:
        if delay is not None and at is not None:
            raise ShipyardError(
                "jobs.enqueue() got both delay= and at=", hint="pass only one of them"
            )
        if at is not None:
            if at.tzinfo is None:
                raise ShipyardError(
                    f"jobs.enqueue(at={at.isoformat()}) needs a timezone-aware datetime",
                    hint="use datetime.now(UTC) + ... or datetime(..., tzinfo=UTC)",
                )
            return at
        if delay is None:
            return None
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        if seconds < 0:
            raise ShipyardError(
                f"jobs.enqueue(delay={seconds:g}) is negative", hint="use 0 or more seconds"
            )
        return self.clock() + timedelta(seconds=seconds)

    async def _all_queues(self) -> list[str]:
        return sorted({stats.queue for stats in await self.backend.stats()})

    def _after_commit(self, session: AsyncSession, records: list[JobRecord]) -> None:
        sync = session.sync_session
        if not sync.info.get(LISTENING_KEY):  # once per session, never removed
            sync.info[LISTENING_KEY] = True
            event.listen(sync, "after_commit", _store_pending)
            event.listen(sync, "after_transaction_end", _discard_pending)
        sync.info.setdefault(PENDING_KEY, []).append((self, records))


def _store_pending(sync: Session) -> None:
    """After the outermost commit: store what was enqueued in the transaction."""
    for jobs, records in sync.info.pop(PENDING_KEY, []):
        await_only(jobs.store(records))


def _discard_pending(sync: Session, transaction: SessionTransaction) -> None:
    """When the outermost transaction ends without a commit (rollback, close): drop it."""
    if transaction.parent is None:
        sync.info.pop(PENDING_KEY, None)
