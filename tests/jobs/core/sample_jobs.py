"""Job classes shared by the core tests (module level, so the registry can resolve them)."""

from __future__ import annotations

import asyncio
import threading
from typing import ClassVar

from shipyard.jobs import Job, JobContext, RetryPolicy


class Record(Job):
    """Appends its argument and the attempt number to ``calls``."""

    calls: ClassVar[list[tuple[str, int]]] = []

    text: str

    async def run(self, ctx: JobContext) -> None:
        Record.calls.append((self.text, ctx.attempt))


class Boom(Exception):
    """A failure that is retried."""


class Fatal(Exception):
    """A failure listed in ``no_retry``."""


class AlwaysFails(Job):
    async def run(self, ctx: JobContext) -> None:
        raise Boom(f"attempt {ctx.attempt} failed")


class FailsFatally(Job):
    retry = RetryPolicy(attempts=5, no_retry=(Fatal,))

    async def run(self, ctx: JobContext) -> None:
        raise Fatal("bad input, retrying cannot help")


class FlakyOnce(Job):
    """Fails on its first attempt, succeeds afterwards."""

    retry = RetryPolicy(attempts=2, base=0, jitter=0)

    async def run(self, ctx: JobContext) -> None:
        if ctx.attempt == 1:
            raise Boom("first attempt fails")


class SyncJob(Job):
    threads: ClassVar[list[str]] = []

    def run(self, ctx: JobContext) -> None:
        SyncJob.threads.append(threading.current_thread().name)


class Slow(Job):
    timeout = 0.05
    retry = RetryPolicy(attempts=1)

    seconds: float

    async def run(self, ctx: JobContext) -> None:
        await asyncio.sleep(self.seconds)


class Mail(Job):
    queue = "mail"
    priority = 5

    user_id: int
