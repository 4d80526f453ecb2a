"""The webhook channel against a real HTTP receiver: the notification is POSTed as JSON
with Standard Webhooks headers whose signature verifies; a 5xx is retried, a 4xx is not;
without ``notifications.webhook_secret`` nothing is queued and the error says why."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.realtime.test_notifications import _user

from shipyard import App, Settings
from shipyard.auth import User
from shipyard.config.models import DatabaseSettings, JobsSettings, MailSettings
from shipyard.errors import ShipyardError
from shipyard.jobs import get_jobs
from shipyard.notifications import Channel, Notification, NotificationsExtension, notify
from shipyard.notifications.webhook import Webhook, sign
from shipyard.realtime import RealtimeExtension
from shipyard.testing.schema import create_app_schema

SECRET = "webhook test secret, long enough"


class Receiver:
    """A local HTTP server that records POSTs and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


class Docked(Notification):
    ship: str
    url_to: str

    def via(self, user: User) -> tuple[Channel, ...]:
        return ("webhook",)

    def to_webhook(self, user: User) -> Webhook:
        return Webhook(url=self.url_to, payload={"ship": self.ship, "user": user.id})


def make_app(tmp_path: Path, secret: str | None = SECRET) -> App:
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
            "jobs": JobsSettings(backend="memory", inline=True),
            "mail": MailSettings(backend="memory"),
            "notifications": {"webhook_secret": secret},
        }
    )
    app = App(settings, extensions=[RealtimeExtension(), NotificationsExtension()])
    app.on_startup(create_app_schema)
    return app


async def test_a_webhook_is_posted_signed(tmp_path: Path, receiver: Receiver) -> None:
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        [delivery] = await notify(app, ann, Docked(ship="Nautilus", url_to=receiver.url))
        job = await get_jobs(app).backend.get(delivery.webhook_job or "")
        assert job is not None
        assert job.state == "succeeded"
    [(headers, body)] = receiver.requests
    assert json.loads(body) == {"ship": "Nautilus", "user": ann.id}
    assert headers["content-type"] == "application/json"
    expected = sign(SECRET, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    assert headers["webhook-signature"] == expected
    assert (
        sign("another secret", headers["webhook-id"], int(headers["webhook-timestamp"]), body)
        != expected
    )


@pytest.mark.parametrize(("status", "state"), [(503, "failed"), (429, "failed"), (410, "dead")])
async def test_failures_are_retried_unless_refused(
    tmp_path: Path, receiver: Receiver, status: int, state: str
) -> None:
    receiver.status = status
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        [delivery] = await notify(app, ann, Docked(ship="Argo", url_to=receiver.url))
        job = await get_jobs(app).backend.get(delivery.webhook_job or "")
        assert job is not None
        assert job.state == state  # failed: waits for its retry; dead: never retried
        assert job.attempts == 1
    assert len(receiver.requests) == 1


async def test_without_a_secret_nothing_is_queued(tmp_path: Path, receiver: Receiver) -> None:
    app = make_app(tmp_path, secret=None)
    async with app.router.lifespan_context(app):
        ann = await _user(app, "ann@example.test")
        with pytest.raises(ShipyardError, match=r"notifications\.webhook_secret is not set"):
            await notify(app, ann, Docked(ship="Argo", url_to=receiver.url))
    assert receiver.requests == []


def test_webhook_urls_are_http_only() -> None:
    with pytest.raises(ValueError, match="url"):
        Webhook(url="file:///etc/passwd", payload={})
