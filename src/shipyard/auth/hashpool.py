"""The bounded thread pool that hashes and verifies passwords off the event loop.

Argon2id is meant to be slow (tens of milliseconds of CPU and 19 MiB per call by
default): run on the event loop it stalls every other request of the process. Each call
goes to a pool of at most ``auth.hash_concurrency`` threads (default: the CPUs this
process may use but one, so one stays free for the loop); more callers wait their turn
without blocking the loop. argon2-cffi releases the GIL while it hashes, so the threads
run in parallel.

Pools are per process and per size: a forked worker starts with none (threads do not
survive ``fork``), and apps with the same setting share one.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TypeVar

from shipyard.config.models import AuthSettings

T = TypeVar("T")

THREAD_NAME_PREFIX = "shipyard-password-hash"

_pools: dict[int, ThreadPoolExecutor] = {}
os.register_at_fork(after_in_child=_pools.clear)  # the parent's threads are not in the child


@cache
def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def hash_concurrency(settings: AuthSettings) -> int:
    """How many hashes may run at once: ``auth.hash_concurrency``, else one per CPU but
    one (at least one), so that a CPU stays free for the event loop."""
    return settings.hash_concurrency or max(1, available_cpus() - 1)


def _pool(size: int) -> ThreadPoolExecutor:
    pool = _pools.get(size)
    if pool is None:  # setdefault is atomic: loops in two threads end up with one pool
        new = ThreadPoolExecutor(size, thread_name_prefix=THREAD_NAME_PREFIX)
        pool = _pools.setdefault(size, new)
    return pool


async def run_hashing(settings: AuthSettings, function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in the hashing pool; the loop serves other requests meanwhile."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(hash_concurrency(settings)), function, *args)
