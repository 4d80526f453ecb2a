"""ShipPolicy in a real browser: Ann adds a ship and may delete it; Bob, with the same
permissions, neither sees it in the list nor reaches it by URL (the 404 page, in the app's
layout). Both sailors are made with the ``shipyard`` CLI on the running showcase's
database; screenshots: ``ships-owner.png`` (Ann) and ``ships-hidden-404.png`` (Bob).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from tests.browser.conftest import (
    PASSWORD,
    SHOWCASE,
    Screenshot,
    _showcase_env,
    log_in,
    shipyard,
    watched_page,
)

pytestmark = pytest.mark.browser

SAILOR = ("ships:create", "ships:update", "ships:delete", "ships:read")


@pytest.fixture(scope="module")
def sailors(showcase_url: str, showcase_dir: Path, mail_dir: Path) -> tuple[str, str]:
    """Ann and Bob, each with the role ``sailor`` (no ``ships:manage``)."""
    env = _showcase_env(showcase_dir / "showcase.db", mail_dir, showcase_url)
    suffix = uuid.uuid4().hex[:6]
    role = f"sailor-{suffix}"
    permissions = [arg for permission in SAILOR for arg in ("--permission", permission)]
    shipyard(SHOWCASE, env, "roles", "create", role, *permissions)
    emails = (f"ann-{suffix}@example.test", f"bob-{suffix}@example.test")
    for email in emails:
        shipyard(SHOWCASE, env, "users", "create", email, "--password", PASSWORD)
        shipyard(SHOWCASE, env, "users", "promote", email, "--role", role)
    return emails


def test_a_sailor_sees_and_deletes_only_their_own_ships(
    browser: Browser, showcase_url: str, sailors: tuple[str, str], screenshot: Screenshot
) -> None:
    ann_email, bob_email = sailors
    name = f"Aurora {uuid.uuid4().hex[:6]}"
    with watched_page(browser, showcase_url) as ann:
        log_in(ann, ann_email, PASSWORD)
        page = ann.page
        page.goto("/ships")
        page.get_by_label("Name").fill(name)
        with page.expect_response(re.compile(r"/ships$")):
            page.get_by_role("button", name="Add ship").click()
        row = page.locator("#ship-rows tr", has_text=name)
        expect(row).to_have_count(1)
        expect(row.get_by_role("button", name=f"Delete {name}")).to_be_visible()
        fleet = page.locator("#ship-rows tr", has_text="Beagle")
        expect(fleet).to_have_count(1)
        expect(fleet.get_by_role("button")).to_have_count(0)  # the fleet is the managers'
        ship_id = (row.get_attribute("id") or "").removeprefix("ship-")
        assert ship_id.isdigit()
        screenshot(page, "ships-owner")
        ann.assert_no_csp_violations()

    with watched_page(browser, showcase_url) as bob:
        log_in(bob, bob_email, PASSWORD)
        page = bob.page
        page.goto("/ships")
        expect(page.locator("#ship-rows tr", has_text="Beagle")).to_have_count(1)
        expect(page.locator("#ship-rows tr", has_text=name)).to_have_count(0)
        response = page.goto(f"/ships/{ship_id}")
        assert response is not None
        assert response.status == 404
        expect(page.locator(".nav-user")).to_have_text(bob_email)  # the app's layout
        expect(page.get_by_role("heading", level=1)).to_contain_text("Not Found")
        assert name not in page.content()
        screenshot(page, "ships-hidden-404")
        bob.assert_no_csp_violations()
