"""The showcase's look in a real browser: every framework page inside the app's layout,
at desktop and phone widths, accessible (axe-core), with feedback on every action.

Screenshots (``screenshot`` fixture) are named ``design-<page>-<desktop|phone>``.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import expect
from tests.browser.conftest import CAPTAIN, Screenshot
from tests.browser.look import DESKTOP, PHONE, boxes_overlap, check_layout_of, check_page

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

STYLESHEET = "showcase.css"

ANONYMOUS_PAGES = {
    "login": "/account/login",
    "register": "/account/register",
    "forgot": "/account/forgot",
    "not-found": "/no/such/page",
    "problem-types": "/problems/",
    "cookbook": "/api/cookbook",
    "home": "/",
    "design": "/design",
}
SIGNED_IN_PAGES = {
    "account": "/account/",
    "change-password": "/account/password",
    "change-email": "/account/email",
    "jobs-dashboard": "/admin/jobs",
    "ships": "/ships",
    "not-found-signed-in": "/no/such/page",
}


@pytest.mark.parametrize("name", sorted(ANONYMOUS_PAGES))
def test_framework_pages_wear_the_app_layout(
    watched: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    check_layout_of(watched, ANONYMOUS_PAGES[name], f"design-{name}", STYLESHEET, screenshot)


@pytest.mark.parametrize("name", sorted(SIGNED_IN_PAGES))
def test_the_layout_knows_who_is_logged_in_on_every_page(
    signed_in: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    path = SIGNED_IN_PAGES[name]
    check_layout_of(signed_in, path, f"design-{name}", STYLESHEET, screenshot, user=CAPTAIN)


def test_the_home_page_shows_the_user_without_asking_for_it(signed_in: WatchedPage) -> None:
    # "/" has no user dependency: the layout's current_user resolves it on its own.
    page = signed_in.page
    page.goto("/")
    expect(page.locator("#nav-user")).to_have_text(CAPTAIN)


def test_a_slow_request_shows_an_indicator_and_disables_its_trigger(
    watched: WatchedPage, screenshot: Screenshot
) -> None:
    page = watched.page
    page.goto("/design")
    button = page.locator("#slow-button")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(page.locator("html")).to_have_class("sy-busy")
    screenshot(page, "design-slow-request-busy")
    expect(page.locator("#slow-result")).to_have_text("Done.", timeout=5_000)
    expect(button).to_be_enabled()
    expect(button).not_to_have_attribute("aria-busy", "true")
    watched.assert_no_csp_violations()


def test_toasts_cover_no_navigation_can_be_dismissed_and_go_away(
    watched: WatchedPage, screenshot: Screenshot
) -> None:
    page = watched.page
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto("/design")
        page.locator("#slow-button").click()
        toast = page.locator("#flash-messages > .flash-success")
        expect(toast).to_contain_text("The slow action finished.", timeout=5_000)
        assert not boxes_overlap(toast.bounding_box(), page.locator("header nav").bounding_box())
        screenshot(page, f"design-toast-{size['width']}")
        page.get_by_role("button", name="Dismiss").click()
        expect(toast).to_have_count(0)
    page.set_viewport_size(DESKTOP)
    page.goto("/design")
    page.locator("#slow-button").click()
    page.mouse.move(0, 0)  # a toast under the pointer stays while it is there
    toast = page.locator("#flash-messages > .flash-success")
    expect(toast).to_have_count(1, timeout=5_000)
    expect(toast).to_have_count(0, timeout=10_000)  # dismissed by itself after a while
    watched.assert_no_csp_violations()


def test_deleting_asks_in_a_dialog_and_clears_stale_form_errors(
    signed_in: WatchedPage, api: httpx.Client, screenshot: Screenshot
) -> None:
    name = f"Doomed Dinghy {uuid.uuid4().hex[:8]}"  # ship names are unique
    response = api.post("/api/ships", json={"name": name})
    assert response.status_code == 201, response.text
    ship = response.json()
    page = signed_in.page
    page.goto("/ships")
    page.locator("#ship-form button[type=submit]").click()  # empty: an inline error
    expect(page.locator("#ship-form .field-error")).to_have_count(1)
    row = page.locator(f"#ship-{ship['id']}")
    row.get_by_role("button", name=f"Delete {name}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Delete the ship {name}?")
    screenshot(page, "design-delete-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_count(1)
    row.get_by_role("button", name=f"Delete {name}").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    expect(page.locator("#ship-form .field-error")).to_have_count(0)
    expect(page.locator("#ship-form [aria-invalid]")).to_have_count(0)
    signed_in.assert_no_csp_violations()


def test_the_register_form_reports_every_error_at_once(
    watched: WatchedPage, screenshot: Screenshot
) -> None:
    page = watched.page
    page.goto("/account/register")
    page.get_by_label("Email").fill("ada@localhost")  # the browser accepts it, the server not
    page.locator("input[name=password]").fill("short")
    page.locator("input[name=password_confirm]").fill("different")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#field-email-error")).to_contain_text("valid email")
    expect(page.locator("#field-password-error")).not_to_be_empty()
    expect(page.locator("#field-password_confirm-error")).to_contain_text("do not match")
    expect(page.get_by_label("Email")).to_be_focused()  # the first invalid field
    screenshot(page, "design-register-errors")
    watched.assert_no_csp_violations()


@pytest.mark.parametrize("path", ["/account/login", "/design", "/no/such/page"])
def test_dark_mode_follows_the_system_and_stays_readable(
    watched: WatchedPage, screenshot: Screenshot, path: str
) -> None:
    page = watched.page
    page.emulate_media(color_scheme="dark")
    page.goto(path)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(19, 20, 24)"  # --sy-bg of the dark scheme
    name = "dark-" + (path.strip("/").replace("/", "-") or "home")
    check_page(page, f"design-{name}", STYLESHEET, screenshot)
    watched.assert_no_csp_violations()
