"""Measure one system: enqueue rates, processing rate, enqueue-to-start latency.

Each phase starts from a wiped store (:func:`benchmarks.jobs.stores.reset`) with a fresh
adapter; worker processes are started with the probe's expectations in their environment
and killed (process group) once the probe reported.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import redis

from benchmarks.jobs import probe, stores
from benchmarks.jobs.adapter import Adapter, load
from benchmarks.processes import log_tail, spawn_logged, stop_group

ROOT = Path(__file__).resolve().parent.parent.parent
STOP_TIMEOUT = 10.0


class JobsBenchmarkError(Exception):
    """A system could not be measured (its worker died or did not finish in time)."""


@dataclass(frozen=True)
class Plan:
    """How much work each phase does."""

    jobs: int = 20_000
    """Jobs enqueued (enqueue phase) and then drained (processing phase)."""
    latency_jobs: int = 1_000
    rate: float = 250.0
    """Latency jobs enqueued per second."""
    warmup: int = 50
    """Jobs the latency phase's worker runs before the timed ones."""
    timeout: float = 300.0
    """Longest wait for a worker to finish one phase, in seconds."""


@dataclass(frozen=True)
class Figures:
    """One system's results (rates per second, latencies in milliseconds)."""

    system: str
    store: str
    enqueue: float
    enqueue_bulk: float | None
    processed: float
    p50_ms: float
    p99_ms: float


class WorkerProcess:
    """``python -m benchmarks.jobs.worker SYSTEM`` in its own session, logging to a file."""

    def __init__(self, system: str, expect: int, warmup: int, log: Path) -> None:
        self.log = log
        command = [sys.executable, "-m", "benchmarks.jobs.worker", system]
        extra_env = {probe.EXPECT_ENV: str(expect), probe.WARMUP_ENV: str(warmup)}
        self.process = spawn_logged(command, log, ROOT, extra_env)

    async def wait_for(self, key: str, timeout: float) -> str:  # noqa: ASYNC109
        """Poll Redis for the probe's ``key``; its value. Fails if the worker exits."""
        deadline = time.monotonic() + timeout
        with redis.Redis.from_url(probe.bench_redis_url(), decode_responses=True) as client:
            while time.monotonic() < deadline:
                value = client.get(key)
                if isinstance(value, str):
                    return value
                if self.process.poll() is not None:
                    raise JobsBenchmarkError(
                        f"worker exited with {self.process.returncode}: {self.tail()}"
                    )
                await asyncio.sleep(0.05)
        raise JobsBenchmarkError(
            f"worker did not report {key} within {timeout:.0f}s: {self.tail()}"
        )

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it if it lingers."""
        stop_group(self.process, STOP_TIMEOUT)

    def tail(self) -> str:
        """The last lines of the worker's output, for errors."""
        return log_tail(self.log)


async def _timed(action: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def _fresh(adapter: Adapter) -> None:
    await stores.reset(adapter.store)
    await adapter.open()


async def _enqueue_each(adapter: Adapter, count: int) -> None:
    for _ in range(count):
        await adapter.enqueue(0.0)


async def _paced(adapter: Adapter, plan: Plan, worker: WorkerProcess) -> None:
    """Warm the worker up, then enqueue the latency jobs at ``plan.rate`` per second."""
    await _enqueue_each(adapter, plan.warmup)
    await worker.wait_for(probe.READY_KEY, plan.timeout)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index in range(plan.latency_jobs):
        delay = start + index / plan.rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await adapter.enqueue(time.time())


@dataclass(frozen=True)
class Report:
    """What the probe wrote once the worker ran every expected job."""

    first: float
    last: float
    latencies: list[float]


async def _run_worker(
    system: str,
    expect: int,
    warmup: int,
    plan: Plan,
    workdir: Path,
    load: Callable[[WorkerProcess], Awaitable[None]] | None = None,
) -> Report:
    """Start a worker that expects ``expect`` jobs, run ``load``, wait for the report."""
    worker = WorkerProcess(system, expect, warmup, workdir / f"jobs-{system}.log")
    try:
        if load is not None:
            await load(worker)
        return Report(**json.loads(await worker.wait_for(probe.DONE_KEY, plan.timeout)))
    finally:
        worker.stop()


async def measure(system: str, plan: Plan, workdir: Path) -> Figures:
    """Run the three phases for ``system``; the store is wiped before each."""
    adapter = load(system)()
    await _fresh(adapter)
    try:
        one = await _timed(lambda: _enqueue_each(adapter, plan.jobs))
        bulk = None
        if adapter.bulk is not None:
            await adapter.close()
            await _fresh(adapter)
            bulk = await _timed(lambda: adapter.enqueue_bulk(plan.jobs))
        drained = await _run_worker(system, plan.jobs, 0, plan, workdir)
    finally:
        await adapter.close()
    await _fresh(adapter)
    try:
        paced = await _run_worker(
            system,
            plan.warmup + plan.latency_jobs,
            plan.warmup,
            plan,
            workdir,
            lambda worker: _paced(adapter, plan, worker),
        )
    finally:
        await adapter.close()
    latencies = sorted(paced.latencies)
    if len(latencies) != plan.latency_jobs:
        raise JobsBenchmarkError(
            f"{system}: {len(latencies)} latencies, expected {plan.latency_jobs}"
        )
    return Figures(
        system=system,
        store=adapter.store,
        enqueue=plan.jobs / one,
        enqueue_bulk=None if bulk is None else plan.jobs / bulk,
        processed=(plan.jobs - 1) / max(drained.last - drained.first, 1e-9),
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )
