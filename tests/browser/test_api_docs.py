"""issue 15: the API docs work offline in Chromium, under the strict CSP.

Every request to another host is aborted (``page.route``), so a page that needs a CDN
stays blank and the test fails; the pages must also cause no CSP violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Screenshot

from shipyard.testing.watch import WatchedPage, offline

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_operations_offline(
    watched: WatchedPage, screenshot: Screenshot
) -> None:
    page = watched.page
    refused = offline(page)
    page.goto("/docs")

    operations = page.locator("#swagger-ui .opblock")
    expect(operations.first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/ships").first).to_be_visible()
    assert operations.count() >= 5
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()  # the token schemes
    screenshot(page, "api-docs-swagger")
    assert refused == []
    watched.assert_no_csp_violations()


def test_swagger_ui_try_it_out_reaches_the_api(watched: WatchedPage) -> None:
    page = watched.page
    offline(page)
    page.goto("/docs")
    path = page.locator(".opblock-summary-path[data-path='/api/ships']")
    listing = page.locator(".opblock-get", has=path)
    listing.locator(".opblock-summary").click()
    listing.get_by_role("button", name="Try it out").click()
    listing.get_by_role("button", name="Execute").click()

    status = listing.locator(".live-responses-table .response td.response-col_status")
    expect(status).to_have_text("200")
    watched.assert_no_csp_violations()


def test_redoc_renders_the_operations_offline(watched: WatchedPage, screenshot: Screenshot) -> None:
    page = watched.page
    refused = offline(page)
    page.goto("/redoc")

    expect(page.locator("#redoc .api-content")).to_be_visible()
    expect(page.get_by_role("heading", name="Create a ship").first).to_be_visible()
    screenshot(page, "api-docs-redoc")
    assert refused == []
    watched.assert_no_csp_violations()
