"""``shipyard realtime publish`` reaches subscribers of another process (Redis), and
refuses what it cannot do with one ``error:`` line and exit code 1;
``shipyard notifications prune`` deletes only notifications read long ago."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import insert
from typer.testing import CliRunner

from shipyard.cli.main import cli
from shipyard.config.models import DatabaseSettings, RealtimeSettings
from shipyard.core.clock import utc_now
from shipyard.db import Database
from shipyard.notifications.store import notifications_table
from shipyard.realtime.redis import RedisBroker
from shipyard.testing.schema import create_tables
from shipyard.testing.services import redis_url, require_port

APP_SOURCE = """
from pathlib import Path

from shipyard import App

app = App(root=Path(__file__).parent)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    module = f"realtimeapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    yield f"{module}:app"
    sys.modules.pop(module, None)


def publish(project: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["realtime", "publish", *args, "--app", project])
    return result.exit_code, result.output


async def _listen_while_publishing(project: str, namespace: str) -> tuple[int, str, str]:
    settings = RealtimeSettings(namespace=namespace, redis_url=SecretStr(redis_url()))
    broker = RedisBroker(settings)
    await broker.start()
    try:
        async with broker.subscribe("topic:fleet") as subscription:
            code, output = await asyncio.to_thread(
                publish, project, "topic:fleet", "<li>Nautilus</li>", "--event", "ship-added"
            )
            event = await asyncio.wait_for(anext(subscription), 10)
            return code, output, f"{event.event}={event.data}"
    finally:
        await broker.close()


def test_publish_reaches_subscribers_in_another_process(
    project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_port("redis", "127.0.0.1", 6379)
    namespace = f"cli{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SHIPYARD_REALTIME__BACKEND", "redis")
    monkeypatch.setenv("SHIPYARD_REALTIME__NAMESPACE", namespace)
    monkeypatch.setenv("SHIPYARD_REALTIME__REDIS_URL", redis_url())
    code, output, received = asyncio.run(_listen_while_publishing(project, namespace))
    assert code == 0, output
    assert "published ship-added on topic:fleet" in output
    assert received == "ship-added=<li>Nautilus</li>"


def test_the_memory_broker_is_refused(project: str) -> None:
    code, output = publish(project, "topic:fleet", "x")
    assert code == 1
    assert "error: realtime.backend is memory" in output


@pytest.mark.parametrize("channel", ["fleet", "topic:a b", "user:1\nevent: x"])
def test_bad_channels_are_refused(project: str, channel: str) -> None:
    code, output = publish(project, channel, "x")
    assert code == 1
    assert "is not a channel name" in output


def test_an_unreachable_broker_is_one_line(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPYARD_REALTIME__BACKEND", "redis")
    monkeypatch.setenv("SHIPYARD_REALTIME__REDIS_URL", "redis://127.0.0.1:1/0")
    code, output = publish(project, "topic:fleet", "x")
    assert code == 1
    assert "error: could not publish through the redis broker" in output


async def _seed_notifications(url: str) -> None:
    database = Database(DatabaseSettings(url=SecretStr(url)), Path.cwd())
    old, now = utc_now() - timedelta(days=100), utc_now()
    rows = [(old, old), (old, now), (old, None)]  # read long ago, read today, unread
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(create_tables)
        async with database.sessionmaker() as session, session.begin():
            for created, read in rows:
                await session.execute(
                    insert(notifications_table).values(
                        user_id=1, kind="k", title="t", body="", created_at=created, read_at=read
                    )
                )
    finally:
        await database.dispose()


def test_prune_deletes_only_notifications_read_long_ago(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'prune.db'}"
    monkeypatch.setenv("SHIPYARD_DATABASE__URL", url)
    asyncio.run(_seed_notifications(url))
    result = CliRunner().invoke(cli, ["notifications", "prune", "--days", "90", "--app", project])
    assert result.exit_code == 0, result.output
    assert "deleted 1 notification(s) read more than 90 days ago" in result.output
    again = CliRunner().invoke(cli, ["notifications", "prune", "--days", "0", "--app", project])
    assert again.exit_code == 2  # --days must be at least 1
