"""issue 15 on a fresh ``shipyard new`` project: /docs, /redoc and the cookbook offline.

The project (``new_project_url`` in conftest.py) is generated, migrated and served by
``shipyard run`` with the ``strict`` CSP preset; Chromium loads each page with every
request to another host aborted and must render the operations without a CSP violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Screenshot

from shipyard.testing.watch import WatchedPage, offline

pytestmark = pytest.mark.browser


def test_a_new_projects_api_docs_render_offline(
    visitor: WatchedPage, screenshot: Screenshot
) -> None:
    page = visitor.page
    refused = offline(page)

    page.goto("/docs")
    expect(page.locator("#swagger-ui .opblock-summary-path[data-path='/health']")).to_be_visible()
    screenshot(page, "new-project-swagger")
    page.goto("/redoc")
    expect(page.locator("#redoc .api-content")).to_be_visible()
    expect(page.get_by_role("heading", name="Health").first).to_be_visible()
    page.goto("/")
    page.get_by_role("link", name="API cookbook").click()
    expect(page.locator("#cookbook h3", has_text="/health")).to_be_visible()
    screenshot(page, "new-project-cookbook")

    assert refused == []
    visitor.assert_no_csp_violations()
