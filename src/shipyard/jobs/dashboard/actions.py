"""The dashboard's actions on one job: retry, cancel and discard.

Each action names the states it accepts; any other state, or a job that changed between
the check and the change (a worker leased it, a newer job took its unique key), is a
409 with a sentence saying why, never a silent no-op or a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from shipyard.core.problems import HTTPProblem
from shipyard.jobs.backend import JobBackend, JobRecord, State
from shipyard.jobs.dashboard.overview import CANCELLABLE, DISCARDABLE, RETRYABLE

ActionName = Literal["retry", "cancel", "discard"]


@dataclass(frozen=True)
class Action:
    """One thing an admin can do to a job, and in which states."""

    name: ActionName
    label: str
    accepts: tuple[State, ...]
    call: Callable[[JobBackend, str], Awaitable[bool]]
    done: str
    """What happened, after "Job <id> ", for the flash message."""
    refusal: str
    """Why other states are refused, after "Job <id> is <state>: "."""


ACTIONS: dict[ActionName, Action] = {
    "retry": Action(
        "retry",
        "Retry",
        RETRYABLE,
        lambda backend, job_id: backend.retry(job_id),
        "is queued again.",
        "only dead or failed jobs can be retried.",
    ),
    "cancel": Action(
        "cancel",
        "Cancel",
        CANCELLABLE,
        lambda backend, job_id: backend.cancel(job_id),
        "is cancelled.",
        "only jobs that have not started (queued, scheduled, failed) can be cancelled.",
    ),
    "discard": Action(
        "discard",
        "Discard",
        DISCARDABLE,
        lambda backend, job_id: backend.delete(job_id),
        "is discarded.",
        "only finished jobs (dead, succeeded, cancelled) can be discarded.",
    ),
}


def allowed_actions(job: JobRecord) -> list[Action]:
    """The actions the job's current state allows, in button order."""
    return [action for action in ACTIONS.values() if job.state in action.accepts]


def job_not_found(job_id: str) -> HTTPProblem:
    """The 404 for an id no stored job has (any more)."""
    return HTTPProblem(404, "Job not found", f"There is no job {job_id!r} (any more).")


async def perform(backend: JobBackend, job_id: str, action: Action) -> JobRecord:
    """Run ``action`` on the job; returns the job as it was. 404/409 problems otherwise."""
    job = await backend.get(job_id)
    if job is None:
        raise job_not_found(job_id)
    if job.state not in action.accepts:
        raise HTTPProblem(
            409, f"Cannot {action.name} this job", f"Job {job_id} is {job.state}: {action.refusal}"
        )
    if not await action.call(backend, job_id):
        raise HTTPProblem(
            409,
            f"Cannot {action.name} this job",
            f"Job {job_id} changed meanwhile (a worker took it, or a newer job holds its "
            "unique key); reload to see its state.",
        )
    return job
