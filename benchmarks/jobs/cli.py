"""Run the jobs benchmark for the selected systems and report it (terminal and Markdown).

A system whose library is not installed is listed as skipped; one whose run fails is a
row that says so; neither stops the others.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rich.console import Console

from benchmarks import report
from benchmarks.jobs import adapter, probe, stores
from benchmarks.jobs.driver import Figures, JobsBenchmarkError, Plan, measure
from benchmarks.jobs.table import Failed, markdown, print_table

SECTION = "jobs"
"""The marked region of ``--output`` the figures go to."""
TITLE = "Background jobs: {jobs:,} no-op jobs, one worker process of {concurrency} slots"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (counts default to the published run's)."""
    plan = Plan()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.jobs",
        description="Enqueue, processing and latency figures of job systems on Redis and "
        "PostgreSQL.",
    )
    parser.add_argument("--jobs", type=int, default=plan.jobs, help="jobs to enqueue and drain")
    parser.add_argument("--latency-jobs", type=int, default=plan.latency_jobs)
    parser.add_argument("--rate", type=float, default=plan.rate, help="latency jobs per second")
    parser.add_argument(
        "--systems", default=",".join(adapter.SYSTEMS), help="comma-separated system names"
    )
    parser.add_argument("--output", type=Path, help="write the figures into this Markdown file")
    return parser.parse_args(argv)


def _version(library: str) -> str:
    try:
        return version(library)
    except PackageNotFoundError:
        return "not installed"


def _selected(wanted: str) -> list[str]:
    names = [name.strip() for name in wanted.split(",") if name.strip()]
    unknown = sorted(set(names) - set(adapter.SYSTEMS))
    if unknown or not names:
        raise JobsBenchmarkError(
            f"--systems: unknown {', '.join(unknown) or '(none)'}; "
            f"known: {', '.join(adapter.SYSTEMS)}"
        )
    return names


async def run(
    systems: Sequence[str], plan: Plan, console: Console
) -> tuple[list[Figures | Failed], list[str]]:
    """Measure ``systems`` one after the other; the results and a note per system."""
    results: list[Figures | Failed] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="shipyard-bench-jobs-") as tmp:
        for system in systems:
            try:
                kind = adapter.load(system)
            except ImportError as error:
                notes.append(f"`{system}`: skipped, {error}")
                continue
            console.log(f"jobs: {system}")
            try:
                results.append(await measure(system, plan, Path(tmp)))
            except (JobsBenchmarkError, OSError) as error:
                results.append(Failed(system, kind.store, str(error)[:200]))
            bulk = f"bulk: `{kind.bulk}`" if kind.bulk else "no bulk call"
            notes.append(
                f"`{system}`: {kind.library} {_version(kind.library)}; {kind.worker}; {bulk}"
            )
    return results, notes


def method(plan: Plan) -> list[str]:
    """The run's conditions, listed under the table."""
    one, five, _ = os.getloadavg()
    return [
        f"Measured {datetime.now(UTC):%Y-%m-%d}, one run, systems one after the other; "
        f"load average after the run {one:.2f}, {five:.2f}.",
        f"enqueue/s: {plan.jobs:,} jobs, one awaited call each, no worker running "
        "(Celery's and dramatiq's calls are blocking: they have no async client); bulk "
        "enqueue/s: the same jobs in the library's one bulk call.",
        f"processed/s: one worker process started on the {plan.jobs:,} queued jobs; "
        "(jobs - 1) / (last job's start - first job's start), so worker start-up is "
        "excluded.",
        f"p50/p99: a warmed-up worker ({plan.warmup} jobs first), then {plan.latency_jobs:,} "
        f"jobs enqueued one at a time at {plan.rate:g}/s; time from just before the enqueue "
        "call to the job's first line (wall clock, same machine).",
        f"Redis: database {probe.REDIS_DB} of one local Redis, flushed before each phase; "
        f"PostgreSQL: database `{stores.DATABASE}`, schema recreated before each phase. "
        "Redis clients use redis-py (hiredis where installed), PostgreSQL ones asyncpg "
        "(Shipyard) and psycopg 3 (procrastinate).",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: measure, print, and write ``--output``'s ``jobs`` region."""
    args = parse_args(argv)
    console = Console()
    try:
        systems = _selected(args.systems)
    except JobsBenchmarkError as error:
        Console(stderr=True).print(f"error: {error}", markup=False, highlight=False)
        return 1
    plan = Plan(jobs=args.jobs, latency_jobs=args.latency_jobs, rate=args.rate)
    text = asyncio.run(render(systems, plan, console))
    if args.output is not None:
        report.write(args.output, text, SECTION)
        console.print(f"wrote {args.output}", highlight=False)
    return 0


def title(plan: Plan) -> str:
    """The table's title for ``plan``."""
    return TITLE.format(jobs=plan.jobs, concurrency=adapter.CONCURRENCY)


def markdown_for(results: Sequence[Figures | Failed], notes: Sequence[str], plan: Plan) -> str:
    """The Markdown of the ``jobs`` region: the table, the method, then ``notes``."""
    return markdown(title(plan), results, [*method(plan), *notes]) + "\n"


async def render(systems: Sequence[str], plan: Plan, console: Console) -> str:
    """Measure, print the table, and return the Markdown for the ``jobs`` region."""
    results, notes = await run(systems, plan, console)
    print_table(console, title(plan), results)
    return markdown_for(results, notes, plan)
