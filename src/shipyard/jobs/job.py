"""The Job base class: validated arguments plus a ``run`` method.

::

    class WelcomeEmail(Job):
        queue = "mail"
        retry = RetryPolicy(attempts=5)

        user_id: int

        async def run(self, ctx: JobContext) -> None:
            ...

Arguments are pydantic fields, so they are validated when the job is created and stored
as JSON. ``run`` may also be a plain ``def``: it then runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from shipyard.jobs.context import JobContext
from shipyard.jobs.registry import registry
from shipyard.jobs.retry import RetryPolicy


class Job(BaseModel):
    """Base of every job; subclasses declare fields and implement ``run``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str | None] = None
    """The stored name; defaults to ``module.QualName``. Keep it stable across renames."""
    queue: ClassVar[str] = "default"
    priority: ClassVar[int] = 0
    timeout: ClassVar[float | None] = None
    """Seconds one run may take; None uses ``jobs.default_timeout``."""
    retry: ClassVar[RetryPolicy | None] = None
    """None uses the global policy from ``jobs.retry`` settings."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        registry.register(cls)

    @classmethod
    def job_name(cls) -> str:
        """The name this class is stored and registered under."""
        return cls.name or f"{cls.__module__}.{cls.__qualname__}"

    def run(self, ctx: JobContext) -> Any:
        """Do the work; ``async def`` or plain ``def`` (run in a thread)."""
        raise NotImplementedError(f"{type(self).__name__} must define run(self, ctx)")


async def execute(job: Job, ctx: JobContext) -> None:
    """Run ``job``: await an async ``run``, or call a sync one in a worker thread."""
    if inspect.iscoroutinefunction(job.run):
        await job.run(ctx)
        return
    result = await asyncio.to_thread(job.run, ctx)
    if inspect.isawaitable(result):  # a sync def that returned a coroutine
        await result
