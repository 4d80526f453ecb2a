"""``shipyard jobs``: run a worker and inspect or repair the job queues.

Every command loads the app like the rest of the CLI (``--app``, ``SHIPYARD_APP``,
``[tool.shipyard] app``, ``app.main:app``), starts it (so its database and job backend
exist), and talks to the backend named by ``jobs.backend``. Bad input and unreachable
services are one ``error:`` line and exit code 1.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar, cast, get_args

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from shipyard.cli.errors import handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.migrations import run_coroutine
from shipyard.errors import ShipyardError
from shipyard.jobs.api import Jobs
from shipyard.jobs.backend import JobBackend, State
from shipyard.jobs.cron.upcoming import ScheduleRow, upcoming
from shipyard.jobs.extension import get_jobs
from shipyard.jobs.heartbeat import live_workers
from shipyard.jobs.worker import Worker

T = TypeVar("T")
STATES: tuple[str, ...] = get_args(State)

app = typer.Typer(
    name="jobs",
    help="Run background job workers and manage queues.\n\nExample: shipyard jobs worker",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False)

QueueOption = Annotated[str | None, typer.Option("--queue", help="Only this queue.")]


def with_jobs(spec: str | None, profile: str | None, action: Callable[[Jobs], Awaitable[T]]) -> T:
    """Start the app, run ``action`` with its :class:`Jobs`, and stop the app again."""
    shipyard_app = load_app(spec, profile=profile)

    async def run() -> T:
        async with shipyard_app.router.lifespan_context(shipyard_app):
            return await action(get_jobs(shipyard_app))

    return run_coroutine(run)


def parse_queues(raw: str | None) -> list[str] | None:
    """``"a, b"`` -> ``["a", "b"]``; None keeps the configured queues."""
    if raw is None:
        return None
    queues = [name.strip() for name in raw.split(",")]
    if not all(queues):
        raise ShipyardError(
            f"--queues {raw!r} has an empty queue name", hint="e.g. --queues default,mail"
        )
    return queues


def parse_states(raw: list[str]) -> list[State]:
    """Check each ``--state`` against the known states."""
    for state in raw:
        if state not in STATES:
            raise ShipyardError(
                f"--state {state!r} is not a job state", hint=f"use one of: {', '.join(STATES)}"
            )
    return [cast(State, state) for state in raw]


@app.command(epilog="Example: shipyard jobs worker --queues default,mail --concurrency 20")
@handle_errors
def worker(
    queues: Annotated[
        str | None, typer.Option("--queues", help="Comma-separated queues (default: jobs.queues).")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Jobs run at once.")
    ] = None,
    cron: Annotated[
        bool,
        typer.Option(
            "--cron/--no-cron",
            help="Also enqueue cron schedules (safe on every worker: each tick is stored once).",
        ),
    ] = True,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Run jobs until SIGTERM/SIGINT (a second signal stops without the grace period)."""
    names = parse_queues(queues)

    async def work(jobs: Jobs) -> None:
        runner = Worker(jobs, queues=names, concurrency=concurrency, cron=cron)
        schedules = len(runner.scheduler.schedules) if runner.scheduler else 0
        console.print(
            escape(
                f"worker {runner.name}: queues {', '.join(runner.queues)}, "
                f"concurrency {runner.concurrency}, {schedules} cron schedule(s); "
                "Ctrl-C to stop"
            )
        )
        await runner.run(install_signals=True)

    with_jobs(app_spec, profile, work)


@app.command(epilog="Example: shipyard jobs workers")
@handle_errors
def workers(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """Show the workers alive now (those that beat within 3 heartbeat intervals)."""
    beats = with_jobs(app_spec, profile, live_workers)
    if not beats:
        console.print("no worker is alive: start one with `shipyard jobs worker`")
        raise typer.Exit(1)
    table = Table("worker", "queues", "running", "up since", "last beat")
    for beat in beats:
        table.add_row(
            escape(beat.name),
            escape(", ".join(beat.queues)),
            str(beat.running),
            f"{beat.started_at:%Y-%m-%d %H:%M:%S}",
            f"{beat.beat_at:%H:%M:%S}",
        )
    console.print(table)


@app.command("list", epilog="Example: shipyard jobs list --state dead --state failed")
@handle_errors
def list_jobs(
    state: Annotated[
        list[str] | None, typer.Option("--state", help=f"Repeatable: {', '.join(STATES)}.")
    ] = None,
    queue: QueueOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Show jobs, newest first."""
    states = parse_states(state or [])
    records = with_jobs(
        app_spec, profile, lambda jobs: jobs.backend.list(states=states, queue=queue, limit=limit)
    )
    if not records:
        console.print("no jobs")
        return
    table = Table("id", "job", "queue", "state", "attempts", "run at", "last error")
    for record in records:
        table.add_row(
            record.id,
            escape(record.name),
            escape(record.queue),
            record.state,
            f"{record.attempts}/{record.max_attempts}",
            record.run_at.isoformat(timespec="seconds") if record.run_at else "",
            escape((record.last_error or "")[:80]),
        )
    console.print(table)


@app.command("cron", epilog="Example: shipyard jobs cron")
@handle_errors
def cron_schedules(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """Show the cron schedules (code and jobs.cron settings) and their next run."""

    async def listing(jobs: Jobs) -> list[ScheduleRow]:
        return upcoming(jobs.schedules, jobs.clock())

    rows = with_jobs(app_spec, profile, listing)
    if not rows:
        console.print(
            escape("no cron schedules (declare them with cron(app, ...) or [[jobs.cron]])")
        )
        return
    table = Table("name", "schedule", "time zone", "job", "queue", "next run (UTC)")
    for row in rows:
        next_run = row.next_run.isoformat(timespec="seconds")
        cells = (row.name, row.expression, row.timezone, row.job, row.queue, next_run)
        table.add_row(*map(escape, cells))
    console.print(table)


@app.command(epilog="Example: shipyard jobs stats")
@handle_errors
def stats(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """Count jobs per queue and state."""
    rows = with_jobs(app_spec, profile, lambda jobs: jobs.backend.stats())
    if not rows:
        console.print("no jobs")
        return
    table = Table("queue", *STATES)
    for row in rows:
        table.add_row(escape(row.queue), *(str(row.counts.get(state, 0)) for state in STATES))
    console.print(table)


JobIdArgument = Annotated[str, typer.Argument(help="The job id (see `shipyard jobs list`).")]


@dataclass(frozen=True)
class SingleJobCommand:
    """A command acting on one job: what it calls, and what it says either way."""

    name: str
    summary: str
    """The command's help line."""
    call: Callable[[JobBackend, str], Awaitable[bool]]
    done: str
    """After "job ID " when it worked."""
    refused: str
    """After "job ID cannot be " when it did not."""
    hint: str


SINGLE_JOB_COMMANDS = (
    SingleJobCommand(
        "retry",
        "Put a dead or failed job back in its queue now.",
        lambda backend, job_id: backend.retry(job_id),
        "queued again",
        "retried: it does not exist or is not dead/failed",
        "see `shipyard jobs list --state dead`",
    ),
    SingleJobCommand(
        "cancel",
        "Cancel a job that has not started.",
        lambda backend, job_id: backend.cancel(job_id),
        "cancelled",
        "cancelled: it does not exist, is running or finished",
        "only queued, scheduled and failed (waiting to retry) jobs can be cancelled",
    ),
    SingleJobCommand(
        "discard",
        "Delete one finished (dead, succeeded or cancelled) job.",
        lambda backend, job_id: backend.delete(job_id),
        "deleted",
        "discarded: it does not exist or has not finished",
        "cancel a pending job first (`shipyard jobs cancel ID`); running jobs cannot be discarded",
    ),
)


def register_single_job_command(spec: SingleJobCommand) -> None:
    """Add ``shipyard jobs NAME JOB_ID`` for ``spec``."""

    def command(
        job_id: JobIdArgument, app_spec: AppOption = None, profile: ProfileOption = None
    ) -> None:
        if not with_jobs(app_spec, profile, lambda jobs: spec.call(jobs.backend, job_id)):
            raise ShipyardError(f"job {job_id!r} cannot be {spec.refused}", hint=spec.hint)
        console.print(escape(f"job {job_id} {spec.done}"))

    command.__doc__ = spec.summary
    app.command(spec.name, epilog=f"Example: shipyard jobs {spec.name} 5f0c...")(
        handle_errors(command)
    )


for _spec in SINGLE_JOB_COMMANDS:
    register_single_job_command(_spec)


@app.command("retry-all", epilog="Example: shipyard jobs retry-all --queue mail")
@handle_errors
def retry_all(
    queue: QueueOption = None, app_spec: AppOption = None, profile: ProfileOption = None
) -> None:
    """Put every dead job (of one queue) back in its queue."""

    async def retry_dead(jobs: Jobs) -> int:
        # A bar on a terminal; piped output gets only the final count.
        with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
            task = progress.add_task("retrying dead jobs", total=None)
            return await jobs.retry_dead(
                queue=queue,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )

    console.print(f"{with_jobs(app_spec, profile, retry_dead)} dead job(s) queued again")


@app.command("purge-dead", epilog="Example: shipyard jobs purge-dead")
@handle_errors
def purge_dead(app_spec: AppOption = None, profile: ProfileOption = None) -> None:
    """Delete every dead job."""
    count = with_jobs(app_spec, profile, lambda jobs: jobs.backend.purge(states=["dead"]))
    console.print(f"{count} dead job(s) deleted")
