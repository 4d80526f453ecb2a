"""A project fresh from ``shipyard new`` in a real browser: the framework's pages wear the
generated layout (navigation, ``app.css``, the default design), fit a phone, pass the
accessibility check, and the navigation knows who is logged in on every page.

The project (``new_project_url`` in conftest.py) is generated in tmp with the account pages
(``AuthExtension`` in ``app/main.py``, the default), migrated, and served by ``shipyard
run`` with the strict CSP. Screenshots are named ``new-<page>-<desktop|phone>``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import OWNER, OWNER_PASSWORD, Screenshot, log_in
from tests.browser.look import DESKTOP, check_page

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

STYLESHEET = "/static/app.css"


ANONYMOUS_PAGES = {
    "home": "/",
    "login": "/account/login",
    "register": "/account/register",
    "not-found": "/no/such/page",
    "problem-types": "/problems/",
}
SIGNED_IN_PAGES = {
    "home-signed-in": "/",
    "account": "/account/",
    "not-found-signed-in": "/no/such/page",
}


@pytest.mark.parametrize("name", sorted(ANONYMOUS_PAGES))
def test_framework_pages_wear_the_generated_layout(
    visitor: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    page = visitor.page
    page.set_viewport_size(DESKTOP)
    page.goto(ANONYMOUS_PAGES[name])
    expect(page.locator("#nav-account")).to_contain_text("Log in")
    check_page(page, f"new-{name}", STYLESHEET, screenshot)
    visitor.assert_no_csp_violations()


@pytest.mark.parametrize("name", sorted(SIGNED_IN_PAGES))
def test_the_generated_layout_knows_who_is_logged_in(
    visitor: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    log_in(visitor, OWNER, OWNER_PASSWORD)
    page = visitor.page
    page.goto(SIGNED_IN_PAGES[name])
    expect(page.locator(".nav-user")).to_have_text(OWNER)
    expect(page.locator("#nav-account")).not_to_contain_text("Log in")
    check_page(page, f"new-{name}", STYLESHEET, screenshot)
    visitor.assert_no_csp_violations()
