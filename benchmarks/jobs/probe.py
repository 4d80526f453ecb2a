"""What runs inside the job: note the start time, and report to the driver through Redis.

A worker process gets ``EXPECT_ENV`` (how many jobs it will run) and ``WARMUP_ENV`` (how
many of those are warm-up jobs). Each job calls :func:`hit` first thing with the time it
was enqueued (0 for jobs that carry none). The process keeps counts in memory and writes
to Redis only twice: ``READY_KEY`` once the warm-up jobs ran, and ``DONE_KEY`` (first
and last start times plus the latencies, JSON) once the last job started. So the probe
costs every system the same few microseconds per job.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import redis

from shipyard.testing.services import redis_url as test_redis_url

REDIS_DB = 13
"""The Redis database number every benchmarked system uses (and that the driver flushes)."""
REDIS_ENV = "SHIPYARD_BENCH_JOBS_REDIS"
"""Overrides the benchmark's Redis URL (default: the test server, database ``REDIS_DB``)."""
EXPECT_ENV = "SHIPYARD_BENCH_JOBS_EXPECT"
WARMUP_ENV = "SHIPYARD_BENCH_JOBS_WARMUP"
READY_KEY = "bench:probe:ready"
DONE_KEY = "bench:probe:done"


def bench_redis_url() -> str:
    """The Redis URL the systems share: ``$SHIPYARD_BENCH_JOBS_REDIS`` or db ``REDIS_DB``."""
    if url := os.environ.get(REDIS_ENV):
        return url
    parts = urlsplit(test_redis_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", parts.query, ""))


@dataclass
class Probe:
    """The counts of one worker process (thread-safe: some workers run jobs in threads)."""

    expect: int
    warmup: int
    seen: int = 0
    first: float = 0.0
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, sent: float) -> None:
        """One job started; ``sent`` is its enqueue time (``time.time()``), or 0."""
        now = time.time()
        with self.lock:
            self.seen += 1
            seen = self.seen
            if seen == 1:
                self.first = now
            if sent > 0:
                self.latencies.append(now - sent)
        if seen == self.warmup:
            self._write(READY_KEY, "1")
        if seen == self.expect:
            report = {"first": self.first, "last": now, "latencies": self.latencies}
            self._write(DONE_KEY, json.dumps(report))

    @staticmethod
    def _write(key: str, value: str) -> None:
        with redis.Redis.from_url(bench_redis_url()) as client:
            client.set(key, value)


_probe = Probe(int(os.environ.get(EXPECT_ENV, "0")), int(os.environ.get(WARMUP_ENV, "0")))
"""This process's probe; the worker's environment is set before it imports this module."""


def hit(sent: float) -> None:
    """Record one job start in this process's :class:`Probe`."""
    _probe.hit(sent)
