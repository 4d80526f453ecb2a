"""The chaos loop: kill a random worker at random moments until every job succeeded.

Kills stop after ``max_kills``: a restarted worker spends over a second importing before
it runs a job, so unbounded kills on a small machine mostly measure start-up time.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from tests.jobs.durability.pool import WorkerPool

Progress = Callable[[], Awaitable[int]]
"""How many jobs have succeeded so far."""
Working = Callable[[], Collection[int]]
"""The pids of the workers that have run a job so far."""


@dataclass(frozen=True)
class ChaosOutcome:
    """What a chaos run did: kills, wall time, and whether every job got done in time."""

    kills: int
    seconds: float
    finished: bool
    succeeded: int


async def unleash(
    pool: WorkerPool,
    progress: Progress,
    total: int,
    rng: random.Random,
    working: Working,
    *,
    deadline: float,
    max_kills: int,
    pause: tuple[float, float] = (0.5, 3.0),
    poll: float = 0.25,
) -> ChaosOutcome:
    """SIGKILL and restart a random working worker every ``pause`` seconds (uniform), at
    most ``max_kills`` times, then let the workers finish.

    Stops when ``progress()`` reaches ``total`` or after ``deadline`` seconds; a worker
    that exits on its own fails the run at once (it should only ever die by our hand).
    """
    began = time.monotonic()
    next_kill = began + rng.uniform(*pause)
    while True:
        done = await progress()
        now = time.monotonic()
        if done >= total or now - began > deadline:
            return ChaosOutcome(pool.kills, now - began, done >= total, done)
        crashed = pool.crashed()
        if crashed:
            raise AssertionError("a worker exited by itself:\n" + "\n\n".join(crashed))
        due = now >= next_kill and pool.kills < max_kills
        if due and pool.kill_and_restart(rng, working()) is not None:  # else: next poll
            next_kill = now + rng.uniform(*pause)
        await asyncio.sleep(poll)
