"""Jobs the dashboard tests run (registered once: import them from here, not conftest)."""

from __future__ import annotations

from shipyard.jobs import Job, JobContext, Jobs, RetryPolicy

HOSTILE = "<script>alert('owned')</script>"


class Greet(Job):
    """Succeeds."""

    name = "dashboard_tests.greet"
    who: str

    async def run(self, ctx: JobContext) -> None:
        ctx.logger.info("hello %s", self.who)


class Explode(Job):
    """Always fails, once: straight to the dead letters, with a hostile message."""

    name = "dashboard_tests.explode"
    retry = RetryPolicy(attempts=1)
    message: str = HOSTILE

    async def run(self, ctx: JobContext) -> None:
        raise ValueError(self.message)


async def dead_job(jobs: Jobs, job: Job | None = None) -> str:
    """Enqueue a job that fails (``Explode`` by default) and run it: it is dead."""
    job_id = await jobs.enqueue(job or Explode())
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.state == "dead"
    return job_id


READY: set[str] = set()
"""Names :class:`Inspect` finds: it fails for any other (fix the cause, then retry)."""


class Inspect(Job):
    """Fails until its ``target`` is in :data:`READY`, then succeeds."""

    name = "dashboard_tests.inspect"
    retry = RetryPolicy(attempts=1)
    target: str

    async def run(self, ctx: JobContext) -> None:
        if self.target not in READY:
            raise LookupError(f"nothing called {self.target!r} yet")
