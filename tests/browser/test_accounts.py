"""issue 4's "Must show" in a real browser: register, confirm by email, log in, log out.

The showcase runs with the ``file`` mail backend; the confirmation link is read from the
newest ``.eml`` file addressed to the new account in the server's mail folder. Every
step happens under the strict CSP, which the test checks at the end. Registering with
an address that has an account looks the same and mails its owner (issue 13, item 11);
a new account holds no role, so the ships page shows it no controls (item 16).
"""

from __future__ import annotations

import re
import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.browser.conftest import CAPTAIN

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

PASSWORD = "a browser passphrase"
MAIL_TIMEOUT = 10.0
LINK = re.compile(r"https?://\S+/account/verify\?token=\S+")


def _newest_mail_to(mail_dir: Path, address: str) -> EmailMessage:
    """The newest ``.eml`` file sent to ``address`` (waits for it a little)."""
    deadline = time.monotonic() + MAIL_TIMEOUT
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        for path in reversed(files):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            if message["To"] == address:
                return message
        time.sleep(0.1)
    pytest.fail(f"no mail to {address} in {mail_dir} within {MAIL_TIMEOUT}s")


def _mails_to(mail_dir: Path, address: str) -> int:
    return sum(
        message_from_bytes(path.read_bytes(), policy=policy.default)["To"] == address
        for path in mail_dir.glob("*.eml")
    )


def _register(page: Page, email: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Register", exact=True).click()
    expect(page.locator("h1")).to_have_text("Create an account")
    page.get_by_label("Email").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password_confirm]").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Log in")  # either way: no account revealed
    expect(page.locator("#flash-messages")).to_contain_text("Check your inbox")


def _verification_link(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None, body.get_content()
    return found.group(0)


def _expect_anonymous_nav(page: Page) -> None:
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Register", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.locator("#nav-user")).to_have_count(0)


def _expect_logged_in_nav(page: Page, email: str) -> None:
    nav = page.get_by_role("navigation")
    expect(page.locator("#nav-user")).to_have_text(email)
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(nav.get_by_role("link", name="Log in", exact=True)).to_have_count(0)


def _log_out(page: Page) -> None:
    with page.expect_response(re.compile(r"/account/logout$")) as response:
        page.get_by_role("navigation").get_by_role("button", name="Log out").click()
    assert response.value.request.method == "POST"
    expect(page.locator("#flash-messages")).to_contain_text("You are logged out.")


def test_register_confirm_by_email_log_in_and_log_out(watched: WatchedPage, mail_dir: Path) -> None:
    page = watched.page
    email = f"sailor-{uuid.uuid4().hex[:8]}@example.test"
    page.goto("/")
    _expect_anonymous_nav(page)

    _register(page, email)
    page.goto("/")
    _expect_anonymous_nav(page)  # registering does not log in (a taken address would not)

    page.goto(_verification_link(_newest_mail_to(mail_dir, email)))
    expect(page.locator("h1")).to_contain_text("confirmed")

    page.goto("/ships")
    page.get_by_role("navigation").get_by_role("link", name="Log in", exact=True).click()
    expect(page.locator("h1")).to_have_text("Log in")
    page.get_by_label("Email").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    _expect_logged_in_nav(page, email)
    page.locator("#nav-user").click()
    expect(page.locator("#account-email")).to_have_text(f"{email} (confirmed)")

    page.goto("/ships")
    expect(page.locator("#no-ship-permission")).to_be_visible()  # no role: no ships:create
    expect(page.locator("#ship-form")).to_have_count(0)
    expect(page.locator("#ship-rows button")).to_have_count(0)  # nor ships:delete
    _log_out(page)
    _expect_anonymous_nav(page)
    page.goto("/ships")
    expect(page.locator("#ship-form")).to_have_count(0)
    expect(page.locator("#login-to-edit")).to_be_visible()
    watched.assert_no_csp_violations()


def test_registering_a_taken_address_looks_the_same_and_mails_its_owner(
    watched: WatchedPage, mail_dir: Path
) -> None:
    page = watched.page
    before = _mails_to(mail_dir, CAPTAIN)
    page.goto("/")

    _register(page, CAPTAIN.upper())

    page.goto("/")
    _expect_anonymous_nav(page)
    notice = _newest_mail_to(mail_dir, CAPTAIN)
    assert _mails_to(mail_dir, CAPTAIN) == before + 1
    assert notice["Subject"] == "Someone tried to register with your address"
    body = notice.get_body(preferencelist=("plain",))
    assert body is not None
    assert re.search(r"https?://\S+/account/forgot", body.get_content())
    watched.assert_no_csp_violations()


def test_wrong_password_is_an_inline_error(watched: WatchedPage) -> None:
    page = watched.page
    page.goto("/account/login")

    page.get_by_label("Email").fill("nobody@example.test")
    page.locator("input[name=password]").fill("not the password at all")
    with page.expect_response(re.compile(r"/account/login$")) as response:
        page.get_by_role("button", name="Log in").click()

    assert response.value.status == 422
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    page.goto("/")
    _expect_anonymous_nav(page)
    watched.assert_no_csp_violations()
