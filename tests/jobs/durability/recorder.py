"""The durability job and its execution log, kept outside the job store.

Every run of :class:`RecordRun` appends one line ``<job id> <pid>`` to the file named by
``DURABILITY_RUNS`` before it returns (one ``O_APPEND`` write, atomic across processes and
kept by the kernel when the worker is SIGKILLed right after). A job that ran twice, because
its worker died between the run and storing the outcome, has two lines: duplicates are
visible whatever the job store says.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path

from shipyard.jobs import Job, JobContext

RUNS_ENV = "DURABILITY_RUNS"


class RecordRun(Job):
    """Sleeps ``millis`` (so kills find jobs in flight), then logs its execution."""

    name = "durability.record_run"
    millis: float = 0

    async def run(self, ctx: JobContext) -> None:
        await asyncio.sleep(self.millis / 1000)
        line = f"{ctx.job_id} {os.getpid()}\n".encode()
        descriptor = os.open(os.environ[RUNS_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)


def read_runs(path: Path) -> Counter[str]:
    """How many times each job id ran, from the execution log (empty if none ran)."""
    if not path.exists():
        return Counter()
    return Counter(line.split(" ", 1)[0] for line in path.read_text().splitlines() if line)


def working_pids(path: Path) -> set[int]:
    """The pids of the processes that have run a job, from the execution log."""
    if not path.exists():
        return set()
    return {int(line.split(" ", 1)[1]) for line in path.read_text().splitlines() if " " in line}
