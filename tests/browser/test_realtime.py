"""issue 21's browser "Must show": a notification raised in one tab appears live in the
other (the bell's count and list), a ship added in one tab appears in the other's live
fleet feed, without reloading, with zero CSP violations (the strict preset).

Two browser contexts (two tabs of two windows, each logged in as the captain): one sends
itself a notice from ``/live``; the other, on the ships page, sees its bell count go up
and the notice in the bell's list, pushed over Server-Sent Events by htmx's SSE
extension.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import CAPTAIN, PASSWORD, Screenshot, log_in, watched_page

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

MARKER = "set before the notice was sent"
COUNT_OPEN_STREAMS = """
document.addEventListener("htmx:sseOpen", () => {
  window.openStreams = (window.openStreams || 0) + 1;
});
"""
"""Counts the event streams htmx opened (each is subscribed before its response starts)."""


@pytest.fixture
def second_tab(browser: Browser, showcase_url: str) -> Iterator[WatchedPage]:
    """Another logged-in window of the captain's."""
    with watched_page(browser, showcase_url) as page:
        yield log_in(page, CAPTAIN, PASSWORD)


def _count(page: Page) -> int:
    expect(page.locator("#bell-count")).to_be_visible()
    return int(page.locator("#bell-count").inner_text())


def test_a_notice_sent_in_one_tab_shows_in_the_others_bell(
    signed_in: WatchedPage, second_tab: WatchedPage, screenshot: Screenshot
) -> None:
    sender, watcher = signed_in.page, second_tab.page
    watcher.goto("/ships")
    before = _count(watcher)  # the bell stream's first event replaced the link
    watcher.evaluate("marker => { window.bellMarker = marker; }", MARKER)

    message = f"Tide turns at {uuid.uuid4().hex[:6]}"
    sender.goto("/live")
    sender.get_by_label("Message").fill(message)
    sender.get_by_role("button", name="Send me a notice").click()
    expect(sender.locator("#flash-messages")).to_contain_text("Notice sent")

    expect(watcher.locator("#bell-count")).to_have_text(str(before + 1))
    watcher.locator(".bell summary").click()
    expect(watcher.locator("#bell-list")).to_contain_text(f"Harbour notice: {message}")
    assert watcher.evaluate("() => window.bellMarker ?? null") == MARKER, "the page reloaded"
    path = screenshot(watcher, "realtime-bell")
    assert path.stat().st_size > 0

    # Mark all read in this tab: the sender's bell (other window) drops to zero too.
    expect(sender.locator("#bell-count")).to_have_text(str(before + 1))
    watcher.get_by_role("button", name="Mark all read").click()
    expect(watcher.locator("#bell-count")).to_have_text("0")
    expect(sender.locator("#bell-count")).to_have_text("0")
    signed_in.assert_no_csp_violations()
    second_tab.assert_no_csp_violations()


def test_a_ship_added_in_one_tab_appears_in_the_others_fleet_feed(
    signed_in: WatchedPage, second_tab: WatchedPage, screenshot: Screenshot
) -> None:
    adder, watcher = signed_in.page, second_tab.page
    watcher.add_init_script(COUNT_OPEN_STREAMS)
    watcher.goto("/live")
    watcher.wait_for_function("() => window.openStreams >= 2")  # the bell's and the feed's
    ship = f"Calypso {uuid.uuid4().hex[:6]}"
    adder.goto("/ships")
    adder.get_by_label("Name").fill(ship)
    adder.get_by_role("button", name="Add ship").click()
    expect(adder.locator("#ship-rows")).to_contain_text(ship)
    expect(watcher.locator("#fleet-feed")).to_contain_text(f"{ship} joined the fleet.")
    screenshot(watcher, "realtime-fleet-feed")
    signed_in.assert_no_csp_violations()
    second_tab.assert_no_csp_violations()


def test_the_centre_and_its_settings_work_without_script_errors(
    signed_in: WatchedPage, screenshot: Screenshot
) -> None:
    page = signed_in.page
    message = f"Fog at {uuid.uuid4().hex[:6]}"
    page.goto("/live")
    page.get_by_label("Message").fill(message)
    page.get_by_role("button", name="Send me a notice").click()
    page.goto("/notifications")
    expect(page.locator("#notification-list")).to_contain_text(f"Harbour notice: {message}")
    screenshot(page, "realtime-centre")
    page.get_by_role("link", name="Notification settings").click()
    mail = page.get_by_label("Harbour notices: By mail")
    expect(mail).to_be_checked()
    mail.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#flash-messages")).to_contain_text("Notification settings saved")
    expect(page.get_by_label("Harbour notices: By mail")).not_to_be_checked()
    expect(page.get_by_label("Harbour notices: Live on open pages")).to_be_checked()
    screenshot(page, "realtime-settings")
    signed_in.assert_no_csp_violations()
