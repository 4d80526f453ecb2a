"""Retention: finished jobs are deleted some time after they finish (``jobs.keep_finished``).

A built-in cron schedule runs :class:`PruneFinishedJobs` hourly on the first configured
queue; it deletes succeeded and cancelled jobs that finished more than
``jobs.keep_finished`` ago. Dead jobs are kept until someone retries, discards or purges
them: they are the ones a person has to look at.
"""

from __future__ import annotations

from shipyard.config.sections.jobs import JobsSettings
from shipyard.errors import ShipyardError
from shipyard.jobs.backend import State
from shipyard.jobs.context import JobContext
from shipyard.jobs.cron.schedule import CronSchedule
from shipyard.jobs.job import Job

PRUNED_STATES: tuple[State, ...] = ("succeeded", "cancelled")
SCHEDULE_NAME = "shipyard.prune-finished-jobs"


class PruneFinishedJobs(Job):
    """Delete succeeded and cancelled jobs older than ``jobs.keep_finished``."""

    name = "shipyard.jobs.prune_finished"

    async def run(self, ctx: JobContext) -> None:
        if ctx.jobs is None:
            raise ShipyardError(
                "the prune job needs the jobs service in its context",
                hint="run it through a Worker or Jobs.drain(), not by calling run() directly",
            )
        keep = ctx.jobs.settings.keep_finished
        if keep is None:
            return
        cutoff = ctx.jobs.clock() - keep
        deleted = await ctx.jobs.backend.purge(states=PRUNED_STATES, finished_before=cutoff)
        ctx.logger.info("deleted %d job(s) finished before %s", deleted, cutoff.isoformat())


def retention_schedules(settings: JobsSettings) -> list[CronSchedule]:
    """The built-in hourly prune schedule, unless ``keep_finished`` is off."""
    if settings.keep_finished is None:
        return []
    return [
        CronSchedule(
            name=SCHEDULE_NAME,
            expression="@hourly",
            job=PruneFinishedJobs(),
            queue=settings.queues[0],
        )
    ]
