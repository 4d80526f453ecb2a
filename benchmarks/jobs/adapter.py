"""What each benchmarked system provides: enqueue calls and a way to run its worker.

One subclass per system, in its own module (``peer_<library>.py``); :data:`SYSTEMS`
names them so a peer whose library is missing is skipped without importing it.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import ClassVar, Literal

CONCURRENCY = 10
"""Jobs one worker process runs at once, for every system (Shipyard's default)."""

SYSTEMS = {
    "shipyard-redis": "benchmarks.jobs.peer_shipyard:ShipyardRedis",
    "arq": "benchmarks.jobs.peer_arq:Arq",
    "saq": "benchmarks.jobs.peer_saq:Saq",
    "taskiq": "benchmarks.jobs.peer_taskiq:Taskiq",
    "dramatiq": "benchmarks.jobs.peer_dramatiq:Dramatiq",
    "celery": "benchmarks.jobs.peer_celery:Celery",
    "shipyard-db": "benchmarks.jobs.peer_shipyard:ShipyardDatabase",
    "procrastinate": "benchmarks.jobs.peer_procrastinate:Procrastinate",
}
"""System name -> ``module:class``, in table order."""
BASELINES = {"redis": "shipyard-redis", "postgresql": "shipyard-db"}
"""Each store's row that ratios are computed against."""


class Adapter(ABC):
    """One job system on the benchmark's store, with a no-op job that calls the probe."""

    name: ClassVar[str]
    library: ClassVar[str]
    """The distribution whose version the report shows."""
    store: ClassVar[Literal["redis", "postgresql"]] = "redis"
    bulk: ClassVar[str | None] = None
    """The bulk enqueue call, when the library has one."""
    worker: ClassVar[str]
    """How the worker runs, for the report (pool, concurrency, notable defaults)."""

    async def open(self) -> None:  # noqa: B027 - an optional hook
        """Connect, and create whatever the store needs (tables, schema)."""

    async def close(self) -> None:  # noqa: B027 - an optional hook
        """Release connections."""

    @abstractmethod
    async def enqueue(self, sent: float) -> None:
        """Enqueue one no-op job carrying ``sent`` (its enqueue time, or 0)."""

    async def enqueue_bulk(self, count: int) -> None:
        """Enqueue ``count`` no-op jobs in the library's bulk call (``bulk`` names it)."""
        raise NotImplementedError(f"{self.name} has no bulk enqueue")

    @abstractmethod
    def work(self) -> None:
        """In the worker process: run the library's worker until the process is killed."""


def load(name: str) -> type[Adapter]:
    """The adapter class of system ``name`` (imports its library: may raise ImportError)."""
    module, _, attribute = SYSTEMS[name].partition(":")
    adapter: type[Adapter] = getattr(importlib.import_module(module), attribute)
    return adapter
