"""Judging a durability run: the job store's final states against the execution log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from shipyard.jobs.backend import JobBackend


@dataclass(frozen=True)
class Verdict:
    """Everything that went wrong (empty when nothing did), and the duplicate count."""

    unfinished: dict[str, str]
    """Jobs not ``succeeded`` in the store: id -> state (``missing`` if not stored)."""
    never_ran: list[str]
    """Jobs with no execution in the log."""
    strangers: list[str]
    """Executions of ids that were never enqueued."""
    over_leased: list[str]
    """Jobs that ran more often than they were leased (two runs on one lease)."""
    duplicates: int
    """Executions beyond the first, over all jobs."""
    duplicated_jobs: int
    """Jobs that ran more than once."""
    released: int
    """Jobs leased more than once (their worker was killed while holding them)."""


async def judge(backend: JobBackend, ids: Sequence[str], runs: Counter[str]) -> Verdict:
    """Compare the stored jobs ``ids`` with how often each ran according to ``runs``."""
    succeeded = {
        record.id: record.attempts
        for record in await backend.list(states=["succeeded"], limit=len(ids) + 1)
    }
    unfinished: dict[str, str] = {}
    for job_id in ids:
        if job_id not in succeeded:
            record = await backend.get(job_id)
            unfinished[job_id] = "missing" if record is None else record.state
    expected = set(ids)
    return Verdict(
        unfinished=unfinished,
        never_ran=[job_id for job_id in ids if runs[job_id] == 0],
        strangers=sorted(set(runs) - expected),
        over_leased=[i for i, attempts in succeeded.items() if runs[i] > attempts],
        duplicates=sum(count - 1 for job_id, count in runs.items() if job_id in expected),
        duplicated_jobs=sum(1 for job_id in ids if runs[job_id] > 1),
        released=sum(1 for attempts in succeeded.values() if attempts > 1),
    )


async def succeeded_count(backend: JobBackend) -> int:
    """How many jobs are ``succeeded``, over every queue."""
    return sum(stats.counts.get("succeeded", 0) for stats in await backend.stats())
