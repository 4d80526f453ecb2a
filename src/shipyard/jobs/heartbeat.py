"""Workers' heartbeats: who is running jobs right now, for ``/ready`` and the CLI.

Every worker records a :class:`~shipyard.jobs.backend.WorkerBeat` in the jobs backend
when it starts and then every ``jobs.heartbeat_seconds``; a graceful stop removes it. A
worker that missed :data:`MISSED_BEATS` beats in a row counts as gone (killed, frozen or
cut off from the backend). With ``jobs.ready_requires_worker`` on, the app's readiness
probe fails while no worker is alive, so an orchestrator does not route traffic that
queues jobs nobody runs; ``shipyard jobs workers`` lists them either way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shipyard.core.health import ReadinessCheck
from shipyard.jobs.backend import WorkerBeat

if TYPE_CHECKING:
    from shipyard.jobs.api import Jobs

logger = logging.getLogger("shipyard.jobs.worker")

MISSED_BEATS = 3
"""A worker whose last beat is older than this many intervals counts as gone."""


def alive_since(jobs: Jobs) -> datetime:
    """The oldest last beat of a worker that still counts as alive."""
    return jobs.clock() - timedelta(seconds=jobs.settings.heartbeat_seconds * MISSED_BEATS)


async def live_workers(jobs: Jobs) -> list[WorkerBeat]:
    """The workers alive now, most recent beat first."""
    return await jobs.backend.workers(since=alive_since(jobs))


async def beat_until_cancelled(
    jobs: Jobs, name: str, queues: tuple[str, ...], running: Callable[[], int]
) -> None:
    """Beat now and every ``jobs.heartbeat_seconds`` until cancelled, then retire.

    A beat that fails (the backend is down) is logged and tried again at the next
    interval: the worker keeps running its jobs meanwhile.
    """
    started = jobs.clock()
    try:
        while True:
            beat = WorkerBeat(name, queues, started, jobs.clock(), running())
            try:
                await jobs.backend.beat(beat)
            except Exception as error:  # keep working; the next beat may get through
                logger.warning("worker %s: heartbeat failed: %s", name, error)
            await asyncio.sleep(jobs.settings.heartbeat_seconds)
    finally:
        try:
            await jobs.backend.retire(name)
        except Exception:  # best effort: a missing retirement only ages out
            logger.warning("worker %s: could not remove its heartbeat", name)


def worker_readiness(find_jobs: Callable[[], Jobs | None]) -> ReadinessCheck:
    """``jobs.worker``: passes while at least one worker beats."""

    async def probe() -> None:
        jobs = find_jobs()
        if jobs is None:
            raise RuntimeError("the jobs service is not started")
        if not await live_workers(jobs):
            seconds = jobs.settings.heartbeat_seconds * MISSED_BEATS
            raise RuntimeError(
                f"no jobs worker has beaten in the last {seconds:g}s: "
                "start one with `shipyard jobs worker`"
            )

    return ReadinessCheck("jobs.worker", probe)
