"""Progress events published on the upload's channel: receiving, scanning, done; failed."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from tests.uploads.conftest import MakeClient, png
from tests.uploads.server import serve

from shipyard.realtime import get_realtime
from shipyard.realtime.broker import Subscription
from shipyard.testing.sse import read_events
from shipyard.uploads import progress_channel


@asynccontextmanager
async def _watching(client: Any, upload_id: str) -> AsyncIterator[Subscription]:
    app = client._transport.app
    async with app.router.lifespan_context(app):
        subscription = get_realtime(app).broker.subscribe(progress_channel(upload_id)).open()
        try:
            yield subscription
        finally:
            await subscription.aclose()


async def _states(subscription: Subscription) -> list[dict[str, Any]]:
    states = []
    while subscription.pending():
        states.append(json.loads((await anext(subscription)).data))
    return states


async def test_an_upload_reports_receiving_scanning_processing_done(
    make_client: MakeClient, clamd_address: str
) -> None:
    upload_id = secrets.token_urlsafe(16)
    content = png(b"\0" * 200_000)
    settings = {"clamd": clamd_address, "progress_interval": 0}
    async with make_client(**settings) as client, _watching(client, upload_id) as subscription:
        response = await client.post(
            "/upload", files={"f": ("a.png", content)}, headers={"X-Upload-Id": upload_id}
        )
        assert response.status_code == 200
        states = await _states(subscription)
    names = [state["state"] for state in states]
    assert names[0] == "receiving"
    assert names[-3:] == ["scanning", "processing", "done"]
    total = int(response.request.headers["content-length"])
    assert {state["total"] for state in states} == {total}
    received = [state["received"] for state in states if state["state"] == "receiving"]
    assert received == sorted(received)
    assert received[-1] == total


async def test_a_refused_upload_reports_failed_with_the_reason(make_client: MakeClient) -> None:
    upload_id = secrets.token_urlsafe(16)
    async with make_client() as client, _watching(client, upload_id) as subscription:
        await client.post(
            "/photos",
            files={"f": ("a.png", b"MZ" + b"\0" * 99)},
            headers={"X-Upload-Id": upload_id},
        )
        states = await _states(subscription)
    assert states[-1]["state"] == "failed"
    assert "is a program" in states[-1]["message"]


async def test_a_malformed_upload_id_publishes_nothing_and_cannot_be_watched(
    make_client: MakeClient,
) -> None:
    async with make_client() as client, _watching(client, "x" * 16) as subscription:
        response = await client.post(
            "/upload", files={"f": ("a.png", png())}, headers={"X-Upload-Id": "../bad id"}
        )
        assert response.status_code == 200
        assert subscription.pending() == 0
        stream = await client.get("/uploads/progress/short")
    assert stream.status_code == 400


def test_a_browser_follows_its_upload_over_server_sent_events(tmp_path: Path) -> None:
    """On a real server: the stream opened first, the upload sent, its events arrive."""
    upload_id = secrets.token_urlsafe(16)
    with (
        serve(tmp_path) as (url, _),
        httpx.Client(base_url=url, timeout=20) as client,
        client.stream("GET", f"/uploads/progress/{upload_id}") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = read_events(stream.iter_lines())
        response = client.post(
            "/photos", files={"f": ("a.png", png())}, headers={"X-Upload-Id": upload_id}
        )
        assert response.status_code == 200
        states = []
        for event in events:
            assert event.event == "progress"
            states.append(json.loads(event.data)["state"])
            if states[-1] == "done":
                break
    assert states == ["receiving", "processing", "done"]
