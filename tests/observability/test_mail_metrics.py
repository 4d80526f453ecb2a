"""``shipyard_mails_total``: the mails sent and failed, by backend, on /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from tests.observability.conftest import AppFactory
from tests.observability.test_metrics import samples

from shipyard import App
from shipyard.mail import MailDeliveryError
from shipyard.mail.check import MailCheck
from shipyard.testing.services import free_port

ClientFor = Callable[[App], httpx.AsyncClient]


async def mails(client: httpx.AsyncClient, backend: str, outcome: str) -> float:
    text = (await client.get("/metrics")).text
    found = samples(text, "shipyard_mails_total")
    return found.get((("backend", backend), ("outcome", outcome)), 0.0)


async def test_mails_sent_and_failed_are_counted_by_backend(
    make_app: AppFactory, client_for: ClientFor, tmp_path: Path, restore_logging: None
) -> None:
    app = make_app(profile="development", mail={"backend": "file", "file_dir": str(tmp_path)})
    unreachable = f"http://127.0.0.1:{free_port()}"
    failing = make_app(
        profile="development",
        mail={"backend": "resend", "resend": {"api_key": "re_x", "base_url": unreachable}},
    )
    async with app.router.lifespan_context(app):
        client = client_for(app)
        sent_before = await mails(client, "file", "sent")
        failed_before = await mails(client, "resend", "failed")
        for _ in range(2):
            await MailCheck.for_backend("ann@example.com", "file").send(app)
        with pytest.raises(MailDeliveryError):
            await MailCheck.for_backend("ann@example.com", "resend").send(failing)
        assert await mails(client, "file", "sent") == sent_before + 2
        assert await mails(client, "resend", "failed") == failed_before + 1
        assert await mails(client, "file", "failed") == 0
    written = await asyncio.to_thread(lambda: list(tmp_path.glob("*.eml")))
    assert len(written) == 2
