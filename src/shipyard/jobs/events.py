"""Lifecycle events of jobs, for logging, metrics and tracing to attach to.

Kinds: ``enqueued``, ``started``, ``succeeded``, ``failed`` (every failed run),
``retried`` (a failed run that will run again) and ``dead`` (out of attempts). A callback
may be sync or async; an exception in one is logged and never disturbs the job.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shipyard.jobs.backend import JobRecord

EventKind = Literal["enqueued", "started", "succeeded", "failed", "retried", "dead"]
logger = logging.getLogger("shipyard.jobs.events")


@dataclass(frozen=True)
class JobEvent:
    """One thing that happened to one job."""

    kind: EventKind
    job: JobRecord
    error: str | None = None
    retry_at: datetime | None = None
    duration: float | None = None
    """Seconds the run took (``succeeded`` and ``failed``)."""


JobEventCallback = Callable[[JobEvent], Awaitable[None] | None]


class JobEvents:
    """A list of subscribers, called in subscription order."""

    def __init__(self) -> None:
        self._callbacks: list[JobEventCallback] = []

    def subscribe(self, callback: JobEventCallback) -> Callable[[], None]:
        """Call ``callback`` for every event; returns a function that unsubscribes it."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback)

    async def emit(self, event: JobEvent) -> None:
        """Deliver ``event`` to every subscriber; failures are logged, not raised."""
        for callback in list(self._callbacks):
            try:
                result = callback(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception("job event callback %r failed on %s", callback, event.kind)
