"""The worker: leases due jobs, runs up to N at once, and stops gracefully.

On SIGTERM/SIGINT (or :meth:`Worker.stop`) it stops fetching and lets running jobs finish
for ``grace_period`` seconds; jobs still running then are cancelled and released back to
their queue (attempt undone). A second signal skips the grace period. While a job runs
its lease is renewed every third of ``lease_seconds``; a worker killed outright lets the
lease expire, and another worker runs the job again (at-least-once delivery).

Unless told otherwise (``cron=False``), a worker also runs a cron scheduler for the
service's schedules; several workers enqueue each tick once between them.

A sync job (a plain ``def run``) runs in a thread, which cannot be interrupted: a
cancelled sync job is released, but its thread runs to its end before the process exits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shipyard.jobs.backend import JobRecord
from shipyard.jobs.cron.scheduler import CronScheduler
from shipyard.jobs.heartbeat import beat_until_cancelled

if TYPE_CHECKING:
    from shipyard.jobs.api import Jobs

logger = logging.getLogger("shipyard.jobs.worker")
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Worker:
    """Runs the jobs of some queues from one :class:`Jobs` service."""

    def __init__(
        self,
        jobs: Jobs,
        *,
        queues: Sequence[str] | None = None,
        concurrency: int | None = None,
        lease_seconds: float | None = None,
        poll_interval: float | None = None,
        grace_period: float | None = None,
        name: str | None = None,
        cron: bool = True,
    ) -> None:
        settings = jobs.settings
        self.jobs = jobs
        self.queues = list(queues or settings.queues)
        self.concurrency = concurrency or settings.concurrency
        self.lease_seconds = lease_seconds or settings.lease_seconds
        self.poll_interval = poll_interval or settings.poll_interval
        self.grace_period = settings.grace_period if grace_period is None else grace_period
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.scheduler = CronScheduler(jobs) if cron and jobs.schedules else None
        self._running: dict[asyncio.Task[None], JobRecord] = {}
        self._lost: set[str] = set()
        self._stopping = asyncio.Event()
        self._forced = asyncio.Event()

    # -- control ----------------------------------------------------------------------

    def stop(self) -> None:
        """Begin a graceful stop; a second call forces it (no grace period)."""
        if self._stopping.is_set():
            logger.warning("worker %s: second stop request, cancelling running jobs", self.name)
            self._forced.set()
        else:
            logger.info("worker %s: stopping, %d job(s) running", self.name, len(self._running))
        self._stopping.set()
        if self.scheduler is not None:
            self.scheduler.stop()

    @property
    def running(self) -> int:
        """How many jobs run right now."""
        return len(self._running)

    async def run(self, *, install_signals: bool = False) -> None:
        """Fetch and run jobs until :meth:`stop` (or SIGTERM/SIGINT when installed)."""
        loop = asyncio.get_running_loop()
        if install_signals:
            for signum in SIGNALS:
                loop.add_signal_handler(signum, self.stop)
        logger.info(
            "worker %s: queues %s, concurrency %d", self.name, self.queues, self.concurrency
        )
        scheduler = self.scheduler
        scheduling = asyncio.create_task(scheduler.run(), name="cron") if scheduler else None
        beating = asyncio.create_task(
            beat_until_cancelled(self.jobs, self.name, tuple(self.queues), lambda: self.running),
            name="heartbeat",
        )
        try:
            while not self._stopping.is_set():
                try:
                    full = await self._fill()
                except Exception:  # the backend is down: keep running jobs, try again
                    logger.exception("worker %s: fetching jobs failed", self.name)
                    full = False
                if not full:
                    await self._idle()
        finally:
            if scheduler is not None and scheduling is not None:
                scheduler.stop()
                await scheduling
            await self._finish()
            beating.cancel()
            await asyncio.gather(beating, return_exceptions=True)
            if install_signals:
                for signum in SIGNALS:
                    loop.remove_signal_handler(signum)
        logger.info("worker %s: stopped", self.name)

    # -- the loop ---------------------------------------------------------------------

    async def _fill(self) -> bool:
        """Lease as many jobs as there are free slots; True if every slot was filled."""
        free = self.concurrency - len(self._running)
        if free <= 0:
            return False
        records = await self.jobs.backend.fetch(
            self.queues, free, worker=self.name, lease_seconds=self.lease_seconds
        )
        for record in records:
            task = asyncio.create_task(self._process(record), name=f"job {record.id}")
            self._running[task] = record
            task.add_done_callback(self._done)
        return len(records) == free

    async def _idle(self) -> None:
        """Wait for a free slot, a stop request, new jobs, or the poll interval."""
        waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._stopping.wait())}
        wake = getattr(self.jobs.backend, "wait_for_jobs", None)
        if wake is not None and len(self._running) < self.concurrency:
            waiters.add(asyncio.ensure_future(wake(self.poll_interval)))
        try:
            await asyncio.wait(
                waiters | set(self._running),
                timeout=self.poll_interval,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    def _done(self, task: asyncio.Task[None]) -> None:
        record = self._running.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            job = record.id if record else "?"
            logger.error(
                "worker %s: job %s crashed the runner", self.name, job, exc_info=task.exception()
            )

    async def _process(self, record: JobRecord) -> None:
        renewer = asyncio.create_task(self._renew(record, asyncio.current_task()))
        try:
            await self.jobs.runner.run(record, self.name)
        except asyncio.CancelledError:
            if record.id not in self._lost:
                raise
            self._lost.discard(record.id)  # another worker has it now: nothing to settle
        finally:
            renewer.cancel()

    async def _renew(self, record: JobRecord, job_task: asyncio.Task[Any] | None) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            kept = await self.jobs.backend.extend_lease(
                record.id, worker=self.name, lease_seconds=self.lease_seconds
            )
            if not kept:
                logger.warning("worker %s: lost the lease of job %s", self.name, record.id)
                self._lost.add(record.id)
                if job_task is not None:
                    job_task.cancel()
                return

    # -- shutdown ---------------------------------------------------------------------

    async def _finish(self) -> None:
        """Let running jobs finish within the grace period, then release the rest."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace_period
        forced = asyncio.ensure_future(self._forced.wait())
        try:
            while self._running and not forced.done() and loop.time() < deadline:
                await asyncio.wait(
                    {*self._running, forced},
                    timeout=deadline - loop.time(),
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            forced.cancel()
        leftover = dict(self._running)
        for task in leftover:
            task.cancel()
        await asyncio.gather(*leftover, return_exceptions=True)
        for record in leftover.values():
            await self.jobs.backend.release(record.id, worker=self.name)
            logger.info("worker %s: released job %s back to its queue", self.name, record.id)
        forget = getattr(self.jobs.backend, "forget_worker", None)  # Redis stream consumers
        if forget is not None:
            try:
                await forget(self.name)
            except Exception:  # best effort: a leftover consumer holds no job
                logger.warning("worker %s: could not remove its consumers", self.name)
