"""``shipyard jobs ...`` against a user app on SQLite (database backend)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console
from typer.testing import CliRunner

from shipyard.cli import jobs as jobs_cli
from shipyard.cli.main import cli
from shipyard.config.sections.core import DatabaseSettings
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine
from shipyard.jobs import get_jobs
from shipyard.jobs.backend import WorkerBeat
from shipyard.testing.schema import create_schema

APP_SOURCE = """
from pathlib import Path

from shipyard import App, Settings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobRetrySettings, JobsSettings
from shipyard.jobs import Job, JobContext
from shipyard.jobs.cron import cron

ROOT = Path(__file__).parent


class Fails(Job):

    async def run(self, ctx: JobContext) -> None:
        raise RuntimeError("always broken")


class Touch(Job):
    path: str

    async def run(self, ctx: JobContext) -> None:
        Path(self.path).write_text(str(ctx.attempt))


app = App(
    Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{ROOT}/app.db"),
        jobs=JobsSettings(poll_interval=0.05, retry=JobRetrySettings(attempts=1)),
    ),
    root=ROOT,
)
cron(app, "30 4 * * 1", Touch(path="weekly.txt"), name="weekly-touch", timezone="Asia/Tokyo")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A user app module in tmp_path; yields its ``module:app`` spec."""
    module = f"jobsapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(jobs_cli, "console", Console(width=250, highlight=False))
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    database = Database(
        DatabaseSettings(url=SecretStr(f"sqlite+aiosqlite:///{tmp_path}/app.db")), tmp_path
    )

    async def schema() -> None:
        await create_schema(database)
        await database.dispose()

    run_coroutine(schema)
    yield f"{module}:app"
    sys.modules.pop(module, None)


def seed(spec: str) -> tuple[str, str, str]:
    """Enqueue two failing jobs (run once: dead) and a scheduled one; return their ids."""
    app = load_app(spec)
    module = sys.modules[spec.split(":")[0]]

    async def go() -> tuple[str, str, str]:
        async with app.router.lifespan_context(app):
            jobs = get_jobs(app)
            dead, other = await jobs.enqueue_many([module.Fails(), module.Fails()])
            await jobs.drain(queues=["default"])
            later = await jobs.enqueue(module.Touch(path="x"), delay=3600, queue="later")
            return dead, other, later

    return run_coroutine(go)


def shipyard(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["jobs", *args])
    return result.exit_code, result.output


def test_list_stats_retry_cancel_and_purge(project: str) -> None:
    dead, other, later = seed(project)
    code, out = shipyard("list", "--state", "dead", "--app", project)
    assert code == 0
    assert dead in out
    assert other in out
    assert later not in out
    assert "always broken" in out

    code, out = shipyard("stats", "--app", project)
    assert code == 0
    assert "default" in out
    assert "later" in out

    assert shipyard("cancel", later, "--app", project)[0] == 0
    code, out = shipyard("cancel", later, "--app", project)
    assert code == 1
    assert "cannot be cancelled" in out

    assert shipyard("retry", dead, "--app", project) == (0, f"job {dead} queued again\n")
    code, out = shipyard("retry", "no-such-job", "--app", project)
    assert code == 1
    assert "cannot be retried" in out

    code, out = shipyard("retry-all", "--app", project)
    assert (code, out.splitlines()[-1]) == (0, "1 dead job(s) queued again")
    assert shipyard("retry-all", "--app", project) == (0, "0 dead job(s) queued again\n")
    fresh, _, pending = seed(project)  # two more dead; its drain re-runs the two retried
    assert shipyard("discard", fresh, "--app", project) == (0, f"job {fresh} deleted\n")
    for gone_or_pending in (fresh, pending):
        code, out = shipyard("discard", gone_or_pending, "--app", project)
        assert code == 1
        assert "cannot be discarded" in out
    code, out = shipyard("purge-dead", "--app", project)
    assert (code, out) == (0, "3 dead job(s) deleted\n")


def test_bad_options_are_one_line_errors(project: str) -> None:
    code, out = shipyard("list", "--state", "zombie", "--app", project)
    assert code == 1
    assert "--state 'zombie' is not a job state" in out
    code, out = shipyard("worker", "--queues", "a,,b", "--app", project)
    assert code == 1
    assert "empty queue name" in out
    assert "Traceback" not in out


def test_cron_lists_schedules_with_their_next_run(project: str) -> None:
    code, out = shipyard("cron", "--app", project)
    assert code == 0, out
    assert "weekly-touch" in out
    assert "30 4 * * 1" in out
    assert "Asia/Tokyo" in out
    assert "Touch" in out
    assert "next run (UTC)" in out
    assert "T19:30:00+00:00" in out  # Monday 04:30 in Tokyo is Sunday 19:30 UTC


def test_worker_command_runs_jobs_and_stops_on_sigterm(project: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    app = load_app(project)
    module = sys.modules[project.split(":")[0]]

    async def enqueue() -> None:
        async with app.router.lifespan_context(app):
            await get_jobs(app).enqueue(module.Touch(path=str(marker)))

    run_coroutine(enqueue)
    process = subprocess.Popen(
        [sys.executable, "-m", "shipyard.cli.main", "jobs", "worker", "--app", project],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(300):
            if marker.exists() or process.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.read_text() == "1"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "concurrency 10, 2 cron schedule(s)" in out  # its own and pruning


def test_workers_lists_the_live_workers_and_fails_when_there_are_none(project: str) -> None:
    code, output = shipyard("workers", "--app", project)
    assert code == 1
    assert "no worker is alive" in output
    assert "shipyard jobs worker" in output
    app = load_app(project)

    async def beat() -> None:
        async with app.router.lifespan_context(app):
            jobs = get_jobs(app)
            now = jobs.clock()
            await jobs.backend.beat(WorkerBeat("box:42:abc", ("default", "mail"), now, now, 2))

    run_coroutine(beat)
    code, output = shipyard("workers", "--app", project)
    assert code == 0, output
    assert "box:42:abc" in output
    assert "default, mail" in output
