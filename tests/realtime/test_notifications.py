"""Notifications in one process: the channels ``via`` picks (mail queued through the
jobs system and sent), capture for tests, the migration, the set-up check, and the
subscription rules of channels."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from tests.realtime.realtime_app import ROOT, Docked

from shipyard import App, Settings
from shipyard.auth import Identity, User, create_user
from shipyard.config.models import DatabaseSettings, JobsSettings, MailSettings
from shipyard.db.extension import get_database
from shipyard.db.model import framework_metadata
from shipyard.errors import ShipyardError
from shipyard.jobs import get_jobs
from shipyard.mail import MemoryMailer, get_mailer
from shipyard.notifications import (
    NOTIFICATION_MIGRATIONS,
    Notification,
    NotificationsExtension,
    capture_notifications,
    latest,
    mark_all_read,
    notify,
    unread_count,
)
from shipyard.notifications.deliveries import deliveries_table
from shipyard.notifications.notification import NOTIFICATION_TYPES
from shipyard.notifications.preferences import optouts_table, set_optouts
from shipyard.notifications.sender import DeliverNotification
from shipyard.notifications.store import notifications_table
from shipyard.realtime import RealtimeExtension, channel_rules, get_realtime
from shipyard.testing.schema import create_app_schema


def make_app(tmp_path: Path, *extensions: Any, inline: bool = True) -> App:
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
            "jobs": JobsSettings(backend="memory", inline=inline),
            "mail": MailSettings(backend="memory"),
        }
    )
    app = App(settings, root=ROOT, extensions=list(extensions))
    app.add_template_dir(ROOT / "templates")
    app.on_startup(create_app_schema)
    return app


async def _user(app: App, email: str) -> User:
    async with get_database(app).sessionmaker() as session, session.begin():
        return await create_user(session, email, "notification passphrase", app.settings.auth)


async def test_each_channel_via_picks_delivers(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension())
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        realtime = get_realtime(app)
        async with realtime.broker.subscribe(f"user:{ann.id}") as live:
            with capture_notifications(app) as sent:
                [quiet] = await notify(app, ann, Docked(ship="Nautilus"))
                [loud] = await notify(app, [ann], Docked(ship="Calypso", mail=True))
            assert sent == [quiet, loud]
            assert quiet.channels == ("database", "live")
            assert loud.channels == ("database", "live", "mail")
            assert loud.mail_job is not None
            first = await anext(live)
            assert first.event == "notification"
            assert '"title":"Nautilus docked"' in first.data
        mailer = get_mailer(app)
        assert isinstance(mailer, MemoryMailer)
        assert [(m.recipients, m.subject) for m in mailer.outbox] == [
            (("ann@example.test",), "Calypso docked")
        ]
        async with get_database(app).sessionmaker() as session, session.begin():
            assert await unread_count(session, ann.id) == 2
            titles = [item.title for item in await latest(session, ann.id)]
            assert titles == ["Calypso docked", "Nautilus docked"]
            assert await mark_all_read(session, ann.id) == 2
            assert await unread_count(session, ann.id) == 0


class Mailless(Notification):
    def via(self, user: User) -> tuple[str, ...]:  # type: ignore[override]
        return ("mail",)


async def test_a_notification_that_mails_without_to_mail_says_so(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension())
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        with pytest.raises(ShipyardError, match="has no to_mail"):
            await notify(app, ann, Mailless())


def test_notifications_without_realtime_is_a_check_error(tmp_path: Path) -> None:
    app = make_app(tmp_path, NotificationsExtension())
    findings = [f.id for e in app.extensions for f in e.checks(app, deploy=False)]
    assert "notifications.E001" in findings


OWNED = {notifications_table.name, optouts_table.name, deliveries_table.name}


def _only_notifications(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return table is not None and table.name in OWNED


def test_the_migration_matches_the_table(tmp_path: Path) -> None:
    migrations = [
        importlib.import_module(f"shipyard.notifications.migrations.{name}")
        for name in (
            "notifications_0001_table",
            "notifications_0002_optouts",
            "notifications_0003_deliveries",
        )
    ]
    assert NOTIFICATION_MIGRATIONS.tables == {
        table.name: frozenset(column.name for column in table.columns)
        for table in (notifications_table, optouts_table, deliveries_table)
    }
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            for migration in migrations:
                migration.upgrade()
        context = MigrationContext.configure(
            connection, opts={"include_object": _only_notifications, "compare_type": True}
        )
        assert compare_metadata(context, framework_metadata) == []
        with Operations.context(MigrationContext.configure(connection)):
            for migration in reversed(migrations):
                migration.downgrade()
        assert not any(sa.inspect(connection).has_table(name) for name in OWNED)
    engine.dispose()


async def test_channel_rules(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension())
    rules = channel_rules(app)
    async with app.router.lifespan_context(app):
        ann = Identity(await _user(app, "ann@example.test"), "session")
    assert await rules.permits(ann, f"user:{ann.user.id}")
    assert not await rules.permits(ann, f"user:{ann.user.id + 1}")
    assert not await rules.permits(None, f"user:{ann.user.id}")
    assert not await rules.permits(ann, "topic:fleet")  # closed until a rule opens it

    async def crew_only(identity: Identity | None, channel: str) -> bool:
        return identity is not None and channel == "record:ship:1"

    rules.allow("record", crew_only)
    assert await rules.permits(ann, "record:ship:1")
    assert not await rules.permits(None, "record:ship:1")
    with pytest.raises(ShipyardError, match="only ever open to their own user"):
        rules.allow("user", lambda identity, channel: True)


async def test_channels_a_user_turned_off_are_skipped(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension())
    kind = Docked.type_name()
    assert NOTIFICATION_TYPES[kind] is Docked  # it has a label: users may turn it off
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        bob = await _user(app, "bob@example.test")
        async with get_database(app).sessionmaker() as session, session.begin():
            await set_optouts(session, ann.id, [kind], {(kind, "mail"), ("other", "live")})
        ann_delivery, bob_delivery = await notify(app, [ann, bob], Docked(ship="X", mail=True))
    assert ann_delivery.channels == ("database", "live")
    assert ann_delivery.mail_job is None
    assert bob_delivery.channels == ("database", "live", "mail")


class QueuedDocking(Docked):
    """Delivered by a worker: ``notify`` only enqueues it."""

    queued = True


async def test_a_queued_notification_is_delivered_by_a_job(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension(), inline=False)
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        bob = await _user(app, "bob@example.test")
        jobs = get_jobs(app)
        async with get_realtime(app).broker.subscribe(f"user:{bob.id}") as live:
            with capture_notifications(app) as sent:
                assert await notify(app, [ann, bob], QueuedDocking(ship="Argo", mail=True)) == []
                async with get_database(app).sessionmaker() as session:
                    assert await unread_count(session, ann.id) == 0  # nothing yet
                assert await jobs.drain() >= 2  # the delivery, then the mails it queued
            assert [(d.user_id, d.channels) for d in sent] == [
                (ann.id, ("database", "live", "mail")),
                (bob.id, ("database", "live", "mail")),
            ]
            assert '"title":"Argo docked"' in (await anext(live)).data
        async with get_database(app).sessionmaker() as session:
            assert await unread_count(session, ann.id) == 1
            assert await unread_count(session, bob.id) == 1
        mailer = get_mailer(app)
        assert isinstance(mailer, MemoryMailer)
        assert sorted(m.recipients for m in mailer.outbox) == [
            ("ann@example.test",),
            ("bob@example.test",),
        ]


async def test_a_queued_delivery_of_an_unknown_type_fails_naming_the_fix(tmp_path: Path) -> None:
    app = make_app(tmp_path, RealtimeExtension(), NotificationsExtension(), inline=False)
    async with app.router.lifespan_context(app):
        jobs = get_jobs(app)
        job_id = await jobs.enqueue(
            DeliverNotification(kind="gone.Type", data={}, user_ids=[1], batch="b")
        )
        await jobs.drain()
        record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.last_error is not None
    assert "no notification type 'gone.Type'" in record.last_error
