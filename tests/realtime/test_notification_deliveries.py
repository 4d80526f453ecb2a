"""Delivery tracking per channel: what reached whom, retries that skip what was
delivered, and the daily retention job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import update
from tests.realtime.realtime_app import Docked, DockedMail
from tests.realtime.test_notifications import _user, make_app

from shipyard import App, Settings
from shipyard.auth import User
from shipyard.core.clock import utc_now
from shipyard.db.extension import get_database
from shipyard.jobs import get_jobs
from shipyard.jobs.cron.declare import DECLARED_SCHEDULES
from shipyard.mail import MemoryMailer, get_mailer
from shipyard.notifications import NotificationsExtension, latest, notify, unread_count
from shipyard.notifications.deliveries import deliveries_table, recent_deliveries
from shipyard.notifications.retention import SCHEDULE_NAME, PruneNotifications
from shipyard.notifications.sender import deliver
from shipyard.notifications.store import mark_all_read, notifications_table
from shipyard.realtime import RealtimeExtension, get_realtime


class FlakyMail(Docked):
    """Its first mail fails (a template error, a full queue...); later ones work."""

    failures: ClassVar[int] = 1

    def to_mail(self, user: User) -> DockedMail:
        if FlakyMail.failures:
            FlakyMail.failures -= 1
            raise RuntimeError("the mail queue is full")
        return super().to_mail(user)


async def test_every_channel_is_recorded(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension())
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        [delivery] = await notify(app, ann, Docked(ship="Argo", mail=True))
        async with get_database(app).sessionmaker() as session:
            rows = await recent_deliveries(session, user_id=ann.id)
    by_channel = {row.channel: row for row in rows}
    assert set(by_channel) == {"database", "live", "mail"}
    assert {row.batch for row in rows} == {delivery.batch}
    assert by_channel["database"].status == "delivered"
    assert by_channel["database"].reference == str(delivery.stored_id)
    assert (by_channel["mail"].status, by_channel["mail"].reference) == (
        "queued",
        delivery.mail_job,
    )
    assert by_channel["live"].status == "delivered"
    assert all(row.kind == Docked.type_name() for row in rows)


async def test_a_retry_skips_the_channels_an_earlier_attempt_delivered(tmp_path: Path) -> None:
    FlakyMail.failures = 1
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension())
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        notification = FlakyMail(ship="Argo", mail=True)
        async with get_realtime(app).broker.subscribe(f"user:{ann.id}") as live:
            with pytest.raises(RuntimeError, match="queue is full"):
                await deliver(app, [ann], notification, batch="batch-1")
            [retried] = await deliver(app, [ann], notification, batch="batch-1")
            pushed = await anext(live)
        async with get_database(app).sessionmaker() as session:
            stored = await latest(session, ann.id)
            rows = await recent_deliveries(session, user_id=ann.id)
    assert retried.skipped == ("database",)
    assert [item.title for item in stored] == ["Argo docked"]  # stored once
    assert retried.stored_id == stored[0].id
    assert f'"id":{stored[0].id}' in pushed.data  # the live event names the stored row
    assert sorted(row.channel for row in rows) == ["database", "live", "mail"]
    mailer = get_mailer(app)
    assert isinstance(mailer, MemoryMailer)
    assert len(mailer.outbox) == 1


async def test_the_daily_job_prunes_old_read_notifications_and_deliveries(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension())
    names = [schedule.name for schedule in DECLARED_SCHEDULES.find(app) or []]
    assert names.count(SCHEDULE_NAME) == 1
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        await notify(app, ann, Docked(ship="Old"))
        long_ago = utc_now() - timedelta(days=400)
        async with get_database(app).sessionmaker() as session, session.begin():
            await mark_all_read(session, ann.id)
            await session.execute(update(notifications_table).values(read_at=long_ago))
            await session.execute(update(deliveries_table).values(created_at=long_ago))
        await notify(app, ann, Docked(ship="New"))  # unread and recent: kept
        await get_jobs(app).enqueue(PruneNotifications())
        async with get_database(app).sessionmaker() as session:
            assert await unread_count(session, ann.id) == 1
            assert [item.title for item in await latest(session, ann.id)] == ["New docked"]
            assert len(await recent_deliveries(session, user_id=ann.id)) == 2


def test_no_retention_no_schedule(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path}/app.db"},
            "notifications": {"keep_read": None, "keep_deliveries": None},
        }
    )
    app = App(settings, root=tmp_path, extensions=[RealtimeExtension(), NotificationsExtension()])
    assert SCHEDULE_NAME not in [schedule.name for schedule in DECLARED_SCHEDULES.find(app) or []]
