"""Open and click tracking: off by default; when on, signed links that only ever redirect
to the URL that was signed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from itsdangerous import URLSafeSerializer

from shipyard import App
from shipyard.jobs import get_jobs
from shipyard.jobs.mail import SendMail, get_delivery
from shipyard.mail import MemoryMailer, Message, get_mailer
from shipyard.mail.tracking import click_token, open_token, track

from .conftest import make_app
from .mails import SampleWelcome

TRACKED = {"opens": True, "clicks": True}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = make_app(tmp_path, tracking=TRACKED)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


async def queued_and_sent(app: App) -> tuple[str, Message]:
    jobs = get_jobs(app)
    job_id = await SampleWelcome(to="ann@example.com", name="Ann").queue(app)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    mailer = get_mailer(app)
    assert isinstance(mailer, MemoryMailer)
    return SendMail.model_validate(record.payload).key, mailer.outbox[-1]


async def state_of(app: App, key: str) -> str:
    async with get_jobs(app).sessionmaker() as session:  # type: ignore[misc]
        delivery = await get_delivery(session, key)
    assert delivery is not None
    return delivery.state


def test_tracking_is_off_by_default(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    message = Message(
        to="a@example.com", subject="s", text="t", html='<a href="https://x.example/">x</a>'
    )
    assert track(app, message, "k") is message


async def test_links_become_signed_redirects_and_a_pixel_is_added(
    app: App, client: httpx.AsyncClient
) -> None:
    key, message = await queued_and_sent(app)
    html = message.html or ""
    links = re.findall(r'href="([^"]+)"', html)
    assert links
    assert all(link.startswith("https://app.example.com/_shipyard/mail/t/c/") for link in links)
    assert "https://app.example.com/dashboard" not in html  # the original is only in the token
    assert "/_shipyard/mail/t/o/" in html
    assert message.text.count("https://app.example.com/dashboard") == 1  # text part untouched

    pixel = re.search(r'src="https://app.example.com(/_shipyard/mail/t/o/[^"]+)"', html)
    assert pixel is not None
    answer = await client.get(pixel.group(1))
    assert (answer.status_code, answer.headers["content-type"]) == (200, "image/gif")
    assert await state_of(app, key) == "opened"

    path = links[0].removeprefix("https://app.example.com")
    answer = await client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == "https://app.example.com/dashboard"
    assert await state_of(app, key) == "clicked"


async def test_forged_and_altered_tokens_never_redirect(
    app: App, client: httpx.AsyncClient
) -> None:
    genuine = click_token(app.settings, "k1", "https://app.example.com/dashboard")
    payload, _, signature = genuine.rpartition(".")
    attempts = [
        "nonsense",
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        f"{payload}x.{signature}",
        # the right shape signed with another key
        URLSafeSerializer("x" * 40, salt="shipyard.mail.tracking").dumps(
            ["c", "k1", "https://evil.example/"]
        ),
        open_token(app.settings, "k1"),  # an open token is not a click token
    ]
    for token in attempts:
        answer = await client.get(f"/_shipyard/mail/t/c/{token}")
        assert answer.status_code == 404, token
        assert "location" not in answer.headers
    answer = await client.get("/_shipyard/mail/t/o/forged")
    assert answer.status_code == 404


async def test_only_http_urls_are_ever_redirected_to(app: App, client: httpx.AsyncClient) -> None:
    for url in ("javascript:alert(1)", "//evil.example/", "data:text/html,x"):
        token = click_token(app.settings, "k1", url)
        assert (await client.get(f"/_shipyard/mail/t/c/{token}")).status_code == 404
