"""issue 15: the API cookbook in Chromium: token field, fresh values per try, versions.

The showcase's cookbook is loaded with every request to another host aborted; "try it"
creates ships through the versioned API with the captain's bearer token typed in the
credential field, twice in a row (the seed data holds the example name, ``Endeavour``:
each try must send a name that does not exist yet).
"""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from tests.browser.conftest import Screenshot

from shipyard.testing.watch import WatchedPage, offline

pytestmark = pytest.mark.browser


def _try(page: Page, anchor: str) -> Locator:
    operation = page.locator(f"#{anchor}")
    operation.locator("summary", has_text="Try it").click()
    return operation.locator("form[data-try]")


def _send(form: Locator) -> tuple[str, dict[str, object]]:
    """Send the form; the status shown and the body sent (the textarea shows what went)."""
    form.get_by_role("button", name="Send").click()
    expect(form.locator("[data-result]")).to_be_visible()
    expect(form.locator("[data-status]")).not_to_have_text("")
    sent: dict[str, object] = json.loads(form.locator("textarea[data-in='body']").input_value())
    return form.locator("[data-status]").inner_text(), sent


def test_try_it_creates_ships_with_the_token_field_and_fresh_names(
    watched: WatchedPage, api: httpx.Client, screenshot: Screenshot
) -> None:
    page = watched.page
    refused = offline(page)
    page.goto("/api/cookbook")
    token = str(api.headers["Authorization"]).removeprefix("Bearer ")

    page.get_by_label("Bearer token").fill(token)
    form = _try(page, "op-ship_create_v1")
    first_status, first = _send(form)
    expect(form.locator("[data-status]")).to_have_text("201 Created")
    form.locator("[data-result]").evaluate("node => { node.hidden = true; }")
    second_status, second = _send(form)

    assert (first_status, second_status) == ("201 Created", "201 Created")
    assert str(first["name"]).startswith("Endeavour ")
    assert first["name"] != second["name"]
    names = {ship["name"] for ship in api.get("/api/ships", params={"limit": 100}).json()}
    assert {first["name"], second["name"]} <= names
    screenshot(page, "cookbook-try-it")
    assert refused == []
    watched.assert_no_csp_violations()


def test_without_the_token_try_it_shows_the_401(watched: WatchedPage) -> None:
    page = watched.page
    page.goto("/api/cookbook")
    status, _ = _send(_try(page, "op-ship_create_v1"))
    assert status == "401 Unauthorized"
    watched.assert_no_csp_violations()


def test_the_version_switcher_is_labelled_and_marks_the_current_version(
    watched: WatchedPage, screenshot: Screenshot
) -> None:
    page = watched.page
    page.goto("/api/cookbook")
    switcher = page.get_by_role("navigation", name="API version")
    expect(switcher.get_by_role("link")).to_have_text(["Version 1 (default)", "Version 2"])
    expect(switcher.locator("[aria-current=page]")).to_have_text("Version 1 (default)")

    switcher.get_by_role("link", name="Version 2").click()
    expect(page).to_have_url("/api/cookbook?version=2")
    expect(switcher.locator("[aria-current=page]")).to_have_text("Version 2")
    expect(page.locator("#cookbook-accept")).to_have_value("application/vnd.shipyard.v2+json")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "cookbook-version-2-phone")
    watched.assert_no_csp_violations()
