"""``mail_outbox``: the register flow's verification mail, and following its link."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard import App
from shipyard.auth import find_by_email
from shipyard.errors import ShipyardError
from shipyard.mail import Message, get_mailer
from shipyard.testing import ShipyardClient, first_link, links


async def test_register_sends_a_verification_mail_whose_link_verifies(
    client: ShipyardClient, db_session: AsyncSession, mail_outbox: list[Message]
) -> None:
    page = await client.get("/account/register", headers={"Accept": "text/html"})
    assert page.status_code == 200
    response = await client.post(
        "/account/register",
        data={
            "email": "New@Example.test",
            "password": "a long enough passphrase",
            "password_confirm": "a long enough passphrase",
        },
        headers={"X-CSRF-Token": client.csrf_token(), "Accept": "text/html"},
    )
    assert response.status_code in (200, 303), response.text
    assert [message.recipients for message in mail_outbox] == [("new@example.test",)]
    link = first_link(mail_outbox[0])
    assert "/account/verify?token=" in link
    assert (await client.get(link, headers={"Accept": "text/html"})).status_code == 200
    user = await find_by_email(db_session, "new@example.test")
    assert user is not None
    await db_session.refresh(user)
    assert user.is_verified


def test_outbox_replaces_the_mailer_only_during_the_test(
    app: App, mail_outbox: list[Message]
) -> None:
    assert getattr(get_mailer(app), "outbox", None) is mail_outbox


def test_first_link_reads_text_then_html_and_explains_a_missing_link() -> None:
    html = Message(
        to="a@example.test",
        subject="Hi",
        text="no link here",
        html='<a href="https://x.test/a?b=1&amp;c=2">go</a>.',
    )
    assert first_link(html) == "https://x.test/a?b=1&c=2"
    text = Message(to="a@example.test", subject="Hi", text="Open https://x.test/v?t=1.\n")
    assert links(text) == ["https://x.test/v?t=1"]
    with pytest.raises(ShipyardError, match=r"'Hi' to a@example\.test has no link"):
        first_link(Message(to="a@example.test", subject="Hi", text="javascript:alert(1)"))
