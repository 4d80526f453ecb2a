"""issue 18: the mail previewer in Chromium, under the showcase's strict CSP.

Every mail class listed at ``/_shipyard/mail`` opens, and the ones with an HTML part show it
in the sandboxed frame; the desktop/mobile toggle (radio buttons, CSS only) narrows the
frame to a phone's width and back. The inbox lists a mail the showcase really sent (a
registration's verification mail) and a click on its link opens the confirmation in the
tab. No CSP violation on the way.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shipyard.testing.watch import WatchedPage

from .conftest import Screenshot
from .test_accounts import _newest_mail_to, _register

pytestmark = pytest.mark.browser

MOBILE_WIDTH = 375


def test_every_mail_renders_and_the_width_toggle_works(
    watched: WatchedPage, screenshot: Screenshot
) -> None:
    page = watched.page
    page.goto("/_shipyard/mail")
    expect(page.get_by_role("heading", name="Mail previews")).to_be_visible()
    expect(page.locator("nav.nav")).to_be_visible()  # inside the showcase's layout
    links = page.locator(".mail-preview-list tbody a")
    hrefs = [links.nth(n).get_attribute("href") or "" for n in range(links.count())]
    assert any(href.endswith("/showcase.inspection_report") for href in hrefs)
    assert any(href.endswith("/shipyard.auth.mails.VerifyEmail") for href in hrefs)
    assert page.locator(".mail-preview-list .mail-preview-error").count() == 0

    for href in hrefs:
        page.goto(href)
        expect(page.locator(".mail-preview-text")).not_to_be_empty()
        frame = page.frame_locator(".mail-preview-frame iframe")
        expect(frame.locator("h1")).to_be_visible()  # every framework/showcase mail has one

    page.goto("/_shipyard/mail/showcase.inspection_report")
    iframe = page.locator(".mail-preview-frame iframe")
    expect(page.frame_locator(".mail-preview-frame iframe").locator("h1")).to_have_text(
        "Endeavour passed its inspection"
    )
    desktop = iframe.bounding_box()
    assert desktop is not None
    assert desktop["width"] > MOBILE_WIDTH * 1.5
    screenshot(page, "mail-preview-desktop")

    page.get_by_label("Mobile").check()
    page.wait_for_function(
        "width => document.querySelector('.mail-preview-frame iframe')"
        ".getBoundingClientRect().width === width",
        arg=MOBILE_WIDTH,
    )
    screenshot(page, "mail-preview-mobile")
    page.get_by_label("Desktop").check()
    page.wait_for_function(
        "width => document.querySelector('.mail-preview-frame iframe')"
        ".getBoundingClientRect().width > width",
        arg=MOBILE_WIDTH * 1.5,
    )
    watched.assert_no_csp_violations()


def test_the_inbox_shows_a_sent_mail_and_its_link_opens_in_place(
    watched: WatchedPage, mail_dir: Path, screenshot: Screenshot
) -> None:
    page = watched.page
    email = f"inbox-{uuid.uuid4().hex[:8]}@example.test"
    page.goto("/")
    _register(page, email)
    _newest_mail_to(mail_dir, email)  # the file backend wrote it

    page.goto("/_shipyard/mail")
    page.get_by_role("link", name="inbox").click()
    expect(page.get_by_role("heading", name="Sent mail")).to_be_visible()
    row = page.locator(".mail-preview-list tbody tr", has_text=email).first
    row.get_by_role("link").click()
    expect(page.locator(".mail-preview-headers")).to_contain_text(email)
    frame = page.frame_locator(".mail-preview-frame iframe")
    link = frame.get_by_role("link").filter(has_text="onfirm").first
    expect(link).to_be_visible()
    screenshot(page, "mail-inbox-verification")

    link.click()  # the sandbox lets a click navigate the whole tab, to the app
    expect(page.locator("h1")).to_contain_text("confirmed")
    watched.assert_no_csp_violations()
