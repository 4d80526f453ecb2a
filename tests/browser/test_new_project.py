"""A project fresh from ``shipyard new`` in a real browser: the framework's pages wear the
generated layout (navigation, ``app.css``, the default design), fit a phone, pass the
accessibility check, and the navigation knows who is logged in on every page.

The project (``new_project_url`` in conftest.py) is generated in tmp with the account pages
(``AuthExtension`` in ``app/main.py``, the default), migrated, and served by ``shipyard
run`` with the strict CSP. Screenshots are named ``new-<page>-<desktop|phone>``.
"""

from __future__ import annotations

import pytest
from tests.browser.conftest import OWNER, OWNER_PASSWORD, Screenshot, log_in
from tests.browser.look import check_layout_of

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
    check_layout_of(visitor, ANONYMOUS_PAGES[name], f"new-{name}", STYLESHEET, screenshot)


@pytest.mark.parametrize("name", sorted(SIGNED_IN_PAGES))
def test_the_generated_layout_knows_who_is_logged_in(
    visitor: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    log_in(visitor, OWNER, OWNER_PASSWORD)
    path = SIGNED_IN_PAGES[name]
    check_layout_of(visitor, path, f"new-{name}", STYLESHEET, screenshot, user=OWNER)
