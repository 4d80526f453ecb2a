"""issue 6's "Must show" in a real browser: the jobs dashboard lists jobs, a dead job is
retried from the page, and the page shows it succeed without reloading.

The showcase server runs a jobs worker in its process (``jobs.embedded_worker``), so
the jobs really run: an inspection of a ship that does not exist fails twice and lands in
the dead letters; once the ship is added (through the API), Retry makes it succeed.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

MARKER = "set before the retry"
JOB_RUN_TIMEOUT = 20_000


def _set_marker(page: Page) -> None:
    """Mark the document: a full page load loses the mark, htmx swaps keep it."""
    page.evaluate("marker => { window.dashboardMarker = marker; }", MARKER)


def _marker(page: Page) -> object:
    return page.evaluate("() => window.dashboardMarker ?? null")


def test_list_retry_a_dead_job_and_watch_it_succeed(
    signed_in: WatchedPage, api: httpx.Client
) -> None:
    page = signed_in.page
    ship = f"Nautilus {uuid.uuid4().hex[:8]}"
    page.goto("/jobs")
    page.get_by_label("Inspect the ship named").fill(ship)
    page.get_by_role("button", name="Enqueue the inspection").click()
    expect(page.locator("#flash-messages")).to_contain_text(f"Inspection of {ship} enqueued")

    # The list: the job fails twice, then the live region shows it among the dead.
    page.goto("/admin/jobs?state=dead")
    expect(page.locator("#jobs-list")).to_be_visible()
    _set_marker(page)
    row = page.locator("#jobs-list tbody tr", has_text=f"no ship named '{ship}'")
    expect(row).to_be_visible(timeout=JOB_RUN_TIMEOUT)
    expect(row).to_contain_text("showcase.inspect_ship")
    expect(row).to_contain_text("2 / 2")
    assert _marker(page) == MARKER, "the list updated by reloading the page"

    # Its details: arguments, error and traceback.
    row.get_by_role("link").click()
    expect(page.locator("#job-state")).to_have_text("dead")
    expect(page.locator("#job-payload")).to_contain_text(ship)
    expect(page.locator("#job-error")).to_contain_text(f"LookupError: no ship named '{ship}'")
    expect(page.locator("#job-traceback")).to_contain_text("Traceback (most recent call last)")

    # Fix the cause, retry from the page, watch it succeed without a reload.
    response = api.post("/api/ships", json={"name": ship})
    assert response.status_code == 201, response.text
    _set_marker(page)
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("#flash-messages")).to_contain_text("is queued again")
    expect(page.locator("#job-state")).to_have_text("succeeded", timeout=JOB_RUN_TIMEOUT)
    expect(page.locator("#job-attempts")).to_have_text("1 of 2")
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    assert _marker(page) == MARKER, "the job's page reloaded instead of updating in place"

    # Back to the list: the Succeeded tab (an htmx swap) has it.
    page.locator("#jobs-back").click()
    _set_marker(page)
    page.locator("#jobs-tab-succeeded").click()
    expect(page).to_have_url(re.compile(r"state=succeeded"))
    expect(
        page.locator("#jobs-list tbody tr", has_text="showcase.inspect_ship").first
    ).to_be_visible()
    assert _marker(page) == MARKER
    signed_in.assert_no_csp_violations()


def test_pause_stops_the_live_updates(signed_in: WatchedPage) -> None:
    page = signed_in.page
    page.goto("/admin/jobs")
    with page.expect_request(re.compile(r"/admin/jobs\?state=running&live=1")):
        pass  # the live region polls on its own
    page.locator("#jobs-pause").click()
    expect(page.locator("#jobs-resume")).to_be_visible()
    expect(page.locator("#jobs-live")).not_to_have_attribute("hx-trigger", re.compile("every"))
    page.locator("#jobs-resume").click()
    expect(page.locator("#jobs-live")).to_have_attribute("hx-trigger", re.compile("every"))
    signed_in.assert_no_csp_violations()
