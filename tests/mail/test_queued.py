"""Queued mail: a job sends it with retries, and never twice once the backend accepted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shipyard import App
from shipyard.jobs import get_jobs
from shipyard.jobs.mail import SendMail, get_delivery
from shipyard.mail import MAILER, MailRefused, Message

from .conftest import make_app
from .mails import SampleReceipt, SampleWelcome


class FlakyMailer:
    """Refuses the first ``failures`` messages, then accepts (keeps what it accepted)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.accepted: list[Message] = []

    async def send(self, message: Message) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"server down (call {self.calls})")
        self.accepted.append(message)


@pytest.fixture
async def started(tmp_path: Path) -> AsyncIterator[App]:
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        yield app


async def retry_until_settled(app: App, job_id: str) -> str:
    """Run the job, putting it back at once after each failure; its final state."""
    jobs = get_jobs(app)
    for _ in range(10):
        await jobs.drain()
        record = await jobs.backend.get(job_id)
        assert record is not None
        if record.state != "failed":
            return record.state
        assert await jobs.backend.retry(job_id)
    raise AssertionError("the job never settled")


async def test_a_backend_failing_twice_then_accepting_sends_exactly_once(started: App) -> None:
    mailer = FlakyMailer(failures=2)
    MAILER.provide(started, mailer)
    job_id = await SampleWelcome(to="ann@example.com", name="Ann").queue(started)
    assert mailer.calls == 0  # queued, not sent

    assert await retry_until_settled(started, job_id) == "succeeded"
    assert mailer.calls == 3
    assert [m.subject for m in mailer.accepted] == ["Welcome, Ann"]
    record = await get_jobs(started).backend.get(job_id)
    assert record is not None
    job = SendMail.model_validate(record.payload)
    async with get_jobs(started).sessionmaker() as session:  # type: ignore[misc]
        delivery = await get_delivery(session, job.key)
    assert delivery is not None
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert delivery.message_id == f"{job.key}@localhost"  # from Shipyard <noreply@localhost>
    assert mailer.accepted[0].message_id == delivery.message_id
    assert delivery.recipients == "ann@example.com"


async def test_a_job_run_again_after_the_send_sends_nothing(started: App) -> None:
    mailer = FlakyMailer(failures=0)
    MAILER.provide(started, mailer)
    job_id = await SampleReceipt(to="bo@example.com", number=1, amount="5").queue(started)
    jobs = get_jobs(started)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.state == "succeeded"
    # A worker that died after sending runs the same job again (at-least-once delivery):
    again = await jobs.enqueue(SendMail.model_validate(record.payload))
    await jobs.drain()
    rerun = await jobs.backend.get(again)
    assert rerun is not None
    assert rerun.state == "succeeded"
    assert len(mailer.accepted) == 1


async def test_a_failure_is_recorded_in_the_delivery_log(started: App) -> None:
    MAILER.provide(started, FlakyMailer(failures=1))
    job_id = await SampleWelcome(to="ann@example.com", name="Ann").queue(started)
    jobs = get_jobs(started)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.state == "failed"
    key = SendMail.model_validate(record.payload).key
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        delivery = await get_delivery(session, key)
    assert delivery is not None
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "ConnectionError: server down (call 1)"


async def test_queued_data_survives_as_json_and_unknown_classes_dead_letter(
    started: App,
) -> None:
    mail = SampleReceipt(to="a@example.com", number=4, amount="1")
    job_id = await mail.queue(started)
    jobs = get_jobs(started)
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert SendMail.model_validate(record.payload).build() == mail

    unknown = await jobs.enqueue(SendMail(mail="gone.Mail", data={}, key="k" * 32))
    await jobs.drain()
    dead = await jobs.backend.get(unknown)
    assert dead is not None
    assert dead.state == "dead"  # no retry can make the class appear
    assert "gone.Mail" in (dead.last_error or "")


async def test_queued_with_a_session_the_mail_waits_for_the_commit(started: App) -> None:
    mailer = FlakyMailer(failures=0)
    MAILER.provide(started, mailer)
    jobs = get_jobs(started)
    assert jobs.sessionmaker is not None
    async with jobs.sessionmaker() as session:
        await SampleWelcome(to="gone@example.com", name="Gone").queue(started, session=session)
        await session.rollback()
    async with jobs.sessionmaker() as session:
        await SampleWelcome(to="kept@example.com", name="Kept").queue(started, session=session)
        await session.commit()
    await jobs.drain()
    assert [m.recipients for m in mailer.accepted] == [("kept@example.com",)]


class RefusingMailer:
    """Refuses every message for good, as a server answering 550 does."""

    async def send(self, message: Message) -> None:
        raise MailRefused(f"no such mailbox: {', '.join(message.recipients)}")


async def test_mail_refused_for_good_is_not_retried(started: App) -> None:
    MAILER.provide(started, RefusingMailer())
    job_id = await SampleWelcome(to="nobody@example.com", name="No").queue(started)
    jobs = get_jobs(started)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert (record.state, record.attempts) == ("dead", 1)
    assert "no such mailbox: nobody@example.com" in (record.last_error or "")


async def test_a_queued_mail_is_in_the_delivery_log_before_it_runs(started: App) -> None:
    MAILER.provide(started, FlakyMailer(failures=0))
    job_id = await SampleWelcome(to="ann@example.com", cc=("bo@example.com",), name="Ann").queue(
        started
    )
    jobs = get_jobs(started)
    record = await jobs.backend.get(job_id)
    assert record is not None
    key = SendMail.model_validate(record.payload).key
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        queued = await get_delivery(session, key)
    assert queued is not None
    assert (queued.state, queued.attempts, queued.subject) == ("queued", 0, "Welcome, Ann")
    assert queued.recipients == "ann@example.com, bo@example.com"
    await jobs.drain()
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        sent = await get_delivery(session, key)
    assert sent is not None
    assert (sent.state, sent.attempts) == ("sent", 1)


async def test_a_mail_queued_in_a_transaction_that_rolls_back_leaves_no_row(started: App) -> None:
    from sqlalchemy import func, select

    from shipyard.jobs.mail.deliveries import deliveries_table

    jobs = get_jobs(started)
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        await SampleWelcome(to="ann@example.com", name="Ann").queue(started, session=session)
        await session.rollback()
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        count = await session.scalar(select(func.count()).select_from(deliveries_table))
    assert count == 0
