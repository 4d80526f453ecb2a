"""The problem type pages (``/problems/``) in a real browser, in the app's layout."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Screenshot

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser


def test_a_problem_type_uri_opens_its_page(
    watched: WatchedPage, api: httpx.Client, screenshot: Screenshot
) -> None:
    problem = api.post("/api/ships", json={"name": ""}).json()
    page = watched.page
    page.goto(problem["type"])
    expect(page.locator("h1")).to_have_text(problem["title"])
    expect(page.get_by_text(f"{problem['status']}")).not_to_have_count(0)
    screenshot(page, "problem-type")
    page.get_by_role("link", name="All error types").click()
    expect(page.locator("h1")).to_have_text("Error types")
    expect(page.locator("dt")).not_to_have_count(0)
    screenshot(page, "problem-types")
    watched.assert_no_csp_violations()
