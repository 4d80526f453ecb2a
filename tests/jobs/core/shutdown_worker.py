"""A worker process for the SIGTERM tests: ``python shutdown_worker.py GRACE SECONDS``.

Enqueues one job that sleeps SECONDS and two quick ones into a memory backend, runs a
worker (concurrency 1) with signal handlers, prints ``started`` when the slow job runs,
and after the worker stopped prints the final state of each job as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys

from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import Job, JobContext, JobEvent, Jobs, MemoryBackend, Worker


class Sleepy(Job):
    name = "shutdown.sleepy"
    seconds: float

    async def run(self, ctx: JobContext) -> None:
        await asyncio.sleep(self.seconds)


class Quick(Job):
    name = "shutdown.quick"

    async def run(self, ctx: JobContext) -> None:
        """Nothing to do."""


def announce(event: JobEvent) -> None:
    if event.kind == "started" and event.job.name == Sleepy.job_name():
        print("started", flush=True)


async def main(grace: float, seconds: float) -> None:
    settings = JobsSettings(backend="memory", poll_interval=0.01)
    jobs = Jobs(MemoryBackend(), settings=settings)
    jobs.events.subscribe(announce)
    slow = await jobs.enqueue(Sleepy(seconds=seconds), priority=10)
    quick = await jobs.enqueue_many([Quick(), Quick()])
    await Worker(jobs, concurrency=1, grace_period=grace).run(install_signals=True)
    report = {}
    for key, job_id in [("slow", slow), ("quick1", quick[0]), ("quick2", quick[1])]:
        stored = await jobs.backend.get(job_id)
        assert stored is not None
        report[key] = {"state": stored.state, "attempts": stored.attempts}
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]), float(sys.argv[2])))
