"""Durability: 10,000 jobs outlive workers SIGKILLed at random moments and restarted.

Two ``shipyard jobs worker`` processes run the jobs while a seeded chaos loop kills a
random one every 0.5-3 s (``MAX_KILLS`` times) and starts a replacement; with a 3 s
lease the killed worker's jobs run again elsewhere. Every job must end ``succeeded`` and
have run at least once, and never more often than it was leased; some jobs must have
been leased again after a kill (else the kills proved nothing). Runs beyond the first
(duplicates, the price of at-least-once delivery: the worker died after the run, before
storing its outcome) are counted from a log outside the job store, reported, and bounded
by what the kills can explain: each kill interrupts at most ``CONCURRENCY`` jobs.
Set ``DURABILITY_SEED`` to replay a run's kill schedule.
"""

from __future__ import annotations

import os
import random
from functools import partial
from pathlib import Path

import pytest
from tests.jobs.durability.chaos import unleash
from tests.jobs.durability.conftest import Report
from tests.jobs.durability.pool import WorkerPool
from tests.jobs.durability.recorder import RUNS_ENV, RecordRun, read_runs, working_pids
from tests.jobs.durability.stores import Store
from tests.jobs.durability.verdict import judge, succeeded_count

from shipyard.jobs import Jobs

pytestmark = pytest.mark.slow

JOBS = 10_000
WORKERS = 2
CONCURRENCY = 32
LEASE_SECONDS = 3.0
JOB_MILLIS = 50.0
DEADLINE_SECONDS = 220.0
MIN_KILLS = 3
MAX_KILLS = 12


async def test_every_job_succeeds_while_workers_are_sigkilled(
    store: Store, tmp_path: Path, durability_report: Report
) -> None:
    seed = int(os.environ.get("DURABILITY_SEED") or random.randrange(2**32))
    print(f"durability[{store.name}]: seed {seed}")
    ids = await Jobs(store.backend).enqueue_many(RecordRun(millis=JOB_MILLIS) for _ in range(JOBS))
    runs_log = tmp_path / "runs.log"
    env = {**store.env, RUNS_ENV: str(runs_log), "DURABILITY_LEASE": str(LEASE_SECONDS)}
    pool = WorkerPool(WORKERS, env, tmp_path, CONCURRENCY)
    pool.start()
    try:
        outcome = await unleash(
            pool,
            partial(succeeded_count, store.backend),
            JOBS,
            random.Random(seed),
            partial(working_pids, runs_log),
            deadline=DEADLINE_SECONDS,
            max_kills=MAX_KILLS,
        )
    finally:
        pool.stop()
    verdict = await judge(store.backend, ids, read_runs(runs_log))
    durability_report(
        f"durability[{store.name}]: {JOBS} jobs, {outcome.kills} kills, "
        f"{verdict.released} jobs leased again, "
        f"{verdict.duplicates} duplicate executions ({verdict.duplicated_jobs} jobs), "
        f"{outcome.seconds:.1f} s, seed {seed}"
    )
    context = f"seed {seed}, {outcome}"
    assert outcome.finished, f"not every job succeeded in time: {context}"
    assert verdict.unfinished == {}, context
    assert verdict.never_ran == [], context
    assert verdict.strangers == [], context
    assert verdict.over_leased == [], context
    assert outcome.kills >= MIN_KILLS, f"too few kills to prove anything: {context}"
    assert verdict.released > 0, f"no kill interrupted a job: {context}"
    assert verdict.duplicates <= outcome.kills * CONCURRENCY, context
