"""The showcase's /live page: the fleet feed's stream, and a notice sent to oneself lands
in the notification centre (the migrations created its table) and is mailed on request."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx

from shipyard.app import App
from shipyard.jobs import get_jobs

from .accounts import csrf_token


async def test_home_links_the_live_page_and_anonymous_visitors_see_the_feed(
    client: httpx.AsyncClient,
) -> None:
    home = await client.get("/")
    assert re.search(r'<a href="/live">Realtime &amp; notifications</a>.*?status-available',
                     home.text, re.S)  # fmt: skip
    page = await client.get("/live")
    assert page.status_code == 200
    assert 'sse-connect="/realtime/events?channel=topic%3Afleet"' in page.text
    assert 'id="notify-form"' not in page.text  # anonymous: log in first
    assert 'id="notification-bell"' not in page.text
    refused = await client.get("/realtime/events?channel=topic:secret")
    assert refused.status_code == 401


async def test_a_notice_lands_in_the_centre_and_the_mailbox(
    member: httpx.AsyncClient, started_app: App, mail_dir: Path
) -> None:
    page = await member.get("/live")
    assert 'id="notification-bell"' in page.text
    assert 'sse-connect="/notifications/stream"' in page.text
    token = await csrf_token(member, "/live")
    sent = await member.post(
        "/live/notify",
        data={"csrf_token": token, "message": "Tide turns <at> six", "by_mail": "true"},
    )
    assert sent.status_code == 303
    centre = await member.get("/notifications")
    assert "Harbour notice: Tide turns &lt;at&gt; six" in centre.text
    assert "1 unread." in centre.text
    bell = await member.get("/notifications/bell")
    assert 'id="bell-count">1<' in bell.text
    await get_jobs(started_app).drain()
    [mail] = await asyncio.to_thread(lambda: [path.read_text() for path in mail_dir.glob("*.eml")])
    assert "Harbour notice: Tide turns <at> six" in mail
    too_long = await member.post("/live/notify", data={"csrf_token": token, "message": "x" * 201})
    assert too_long.status_code == 422
