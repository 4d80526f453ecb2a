"""A worker inside the web process (``jobs.embedded_worker``, ``shipyard dev``), ctx.mail and
the built-in event log."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from shipyard import App, Settings
from shipyard.cli import server
from shipyard.cli.main import cli
from shipyard.config.models import MailSettings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.errors import ShipyardError
from shipyard.jobs import Job, JobContext, get_jobs
from shipyard.jobs.context import JobContext as Context
from shipyard.mail import MemoryMailer, Message, get_mailer
from shipyard.testing.schema import create_app_schema


class SendsMail(Job):
    """Mails ``to`` through ``ctx.mail``."""

    sent: ClassVar[asyncio.Event | None] = None

    to: str

    async def run(self, ctx: JobContext) -> None:
        await ctx.mail.send(Message(to=self.to, subject="hello", text="from a job"))
        if SendsMail.sent is not None:
            SendsMail.sent.set()


def make_app(tmp_path: Path, **jobs: object) -> App:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
        jobs=JobsSettings.model_validate({"poll_interval": 0.05, **jobs}),
        mail=MailSettings(backend="memory"),
    )
    app = App(settings, root=tmp_path)
    app.on_startup(create_app_schema)
    return app


async def test_the_embedded_worker_runs_jobs_in_the_app_process(tmp_path: Path) -> None:
    SendsMail.sent = asyncio.Event()
    app = make_app(tmp_path, embedded_worker=True)
    async with app.router.lifespan_context(app):
        jobs = get_jobs(app)
        job_id = await jobs.enqueue(SendsMail(to="ann@example.test"))
        await asyncio.wait_for(SendsMail.sent.wait(), timeout=10)
        for _ in range(100):  # the worker records success right after run() returns
            record = await jobs.backend.get(job_id)
            if record is not None and record.state == "succeeded":
                break
            await asyncio.sleep(0.05)
        assert record is not None
        assert record.state == "succeeded"
        mailer = get_mailer(app)
        assert isinstance(mailer, MemoryMailer)
        assert [message.to for message in mailer.outbox] == ["ann@example.test"]
    # Shutdown stopped the worker before closing the backend: nothing is left running.
    assert not [task for task in asyncio.all_tasks() if task.get_name() == "embedded worker"]


async def test_without_the_setting_no_worker_runs(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        job_id = await get_jobs(app).enqueue(SendsMail(to="bob@example.test"))
        await asyncio.sleep(0.3)
        record = await get_jobs(app).backend.get(job_id)
        assert record is not None
        assert record.state == "queued"


def test_ctx_mail_without_an_app_names_the_fix() -> None:
    ctx = Context(job_id="1", name="x", attempt=1, max_attempts=1, logger=logging.getLogger())
    with pytest.raises(ShipyardError, match="worker runs for no app"):
        _ = ctx.mail


async def test_lifecycle_events_are_logged_with_structured_fields(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, backend="memory", inline=True)
    with caplog.at_level(logging.DEBUG, logger="shipyard.jobs.events"):
        async with app.router.lifespan_context(app):
            await get_jobs(app).enqueue(SendsMail(to="cy@example.test"))
    logged = [r for r in caplog.records if r.name == "shipyard.jobs.events"]
    assert [getattr(r, "event", None) for r in logged] == ["enqueued", "started", "succeeded"]
    assert logged[-1].levelno == logging.INFO
    assert getattr(logged[-1], "job_name", None) == SendsMail.job_name()
    assert "succeeded (attempt 1/" in logged[-1].getMessage()


async def test_event_logging_can_be_turned_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, backend="memory", inline=True, log_events=False)
    with caplog.at_level(logging.DEBUG, logger="shipyard.jobs.events"):
        async with app.router.lifespan_context(app):
            await get_jobs(app).enqueue(SendsMail(to="di@example.test"))
    assert not [r for r in caplog.records if r.name == "shipyard.jobs.events"]


@pytest.mark.parametrize(("flag", "expected"), [([], "true"), (["--no-worker"], "false")])
def test_dev_turns_the_embedded_worker_on_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, flag: list[str], expected: str
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(*args: object, **options: object) -> None:
        seen["env"] = os.environ.get(server.EMBEDDED_WORKER_ENV)

    monkeypatch.setenv(server.EMBEDDED_WORKER_ENV, "unset")  # restored after the test
    monkeypatch.delenv(server.EMBEDDED_WORKER_ENV)
    monkeypatch.setattr(server, "_prepare", lambda spec: make_app(Path.cwd()))
    monkeypatch.setattr(server, "serve", fake_run)
    result = CliRunner().invoke(cli, ["dev", "--no-reload", *flag])
    assert result.exit_code == 0, result.output
    assert seen["env"] == expected
