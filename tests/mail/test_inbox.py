"""The development inbox: what the file backend wrote, listed and shown, links aimed at the
whole tab, hostile ids refused, and 404 outside development and test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shipyard import App
from shipyard.mail import Attachment, Message, get_mailer
from shipyard.web.mail_inbox import read_sent

from .conftest import make_app
from .mails import SampleWelcome
from .test_preview import client_for


async def _send_two(app: App) -> None:
    await SampleWelcome.preview().send(app)
    await get_mailer(app).send(
        Message(
            to="bo@example.com",
            subject="Plain receipt",
            text="Paid.",
            attachments=(Attachment("receipt.pdf", b"%PDF-1.4 receipt"),),
        )
    )


async def test_sent_mail_is_listed_newest_first_and_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path, backend="file", file_dir="var/mail")
    async with client_for(app) as client:
        empty = await client.get("/_shipyard/mail/inbox")
        assert empty.status_code == 200
        assert "No mail sent yet" in empty.text
        await _send_two(app)
        files = sorted((tmp_path / "var/mail").glob("*.eml"))
        newest = max(files, key=lambda path: path.stat().st_mtime)
        os.utime(newest, (newest.stat().st_atime, newest.stat().st_mtime + 5))
        page = await client.get("/_shipyard/mail/inbox")
        assert page.text.index("Plain receipt") < page.text.index("Welcome, Ann")
        welcome = next(path.stem for path in files if b"Welcome" in path.read_bytes())
        shown = await client.get(f"/_shipyard/mail/inbox/{welcome}")
        assert shown.status_code == 200
        assert "<dt>To</dt><dd>ann@example.com</dd>" in shown.text
        frame = f'<iframe src="/_shipyard/mail/inbox/{welcome}/html" sandbox="allow-top'
        assert frame + '-navigation-by-user-activation"' in shown.text
        html = await client.get(f"/_shipyard/mail/inbox/{welcome}/html")
        assert html.status_code == 200
        assert '<base target="_top">' in html.text
        assert "https://app.example.com/dashboard" in html.text
        policy = html.headers["content-security-policy"]
        assert policy.startswith("sandbox allow-top-navigation-by-user-activation;")
        assert "script-src" not in policy  # default-src 'none': no script runs
        receipt = next(path.stem for path in files if path.stem != welcome)
        plain = await client.get(f"/_shipyard/mail/inbox/{receipt}")
        assert "receipt.pdf" in plain.text
        assert (await client.get(f"/_shipyard/mail/inbox/{receipt}/html")).status_code == 404


@pytest.mark.parametrize(
    "mail_id", ["..%2F..%2Fetc%2Fpasswd", "0" * 31, "G" * 32, "0" * 32, "%2e%2e"]
)
async def test_hostile_or_unknown_ids_are_404(tmp_path: Path, mail_id: str) -> None:
    app = make_app(tmp_path, backend="file", file_dir="var/mail")
    async with client_for(app) as client:
        for path in (f"/_shipyard/mail/inbox/{mail_id}", f"/_shipyard/mail/inbox/{mail_id}/html"):
            assert (await client.get(path)).status_code == 404
    assert read_sent(tmp_path, "../app") is None


async def test_other_backends_say_how_to_keep_sent_mail(tmp_path: Path) -> None:
    async with client_for(make_app(tmp_path)) as client:  # the memory backend
        page = await client.get("/_shipyard/mail/inbox")
    assert page.status_code == 200
    assert 'Set <code>mail.backend = "file"</code>' in page.text


async def test_the_inbox_is_404_in_production(tmp_path: Path) -> None:
    app = make_app(tmp_path, profile="production", backend="file", file_dir="var/mail")
    async with client_for(app, base_url="https://app.example.com") as client:
        assert (await client.get("/_shipyard/mail/inbox")).status_code == 404
