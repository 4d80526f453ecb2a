"""Direct uploads through the drop zone, in Chromium, on the showcase's ship papers.

The showcase stores files on local disk, so the drop zone's direct mode declares each
file (``POST /uploads/direct``), PUTs it to the signed local-storage link, and puts the
signed id in the papers form; attaching confirms each one on the server. A renamed
program reaches the store (nothing checks it there) and is refused at confirmation.
Every flow ends with no CSP violation under the strict preset.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, Request, expect
from tests.browser.conftest import Screenshot
from tests.browser.test_showcase import _add_ship, _unique
from tests.browser.test_uploads_dropzone import drop, solid_png

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00" + b"\x00" * 400


def open_ship(page: Page, api: httpx.Client, prefix: str) -> None:
    name = _unique(prefix)
    ship_id = _add_ship(api, name)
    page.goto(f"/ships/{ship_id}")
    expect(page.locator("#ship-detail h2")).to_have_text(name)
    expect(page.locator("#ship-papers li")).to_have_text("No papers yet.")


def test_papers_go_straight_to_storage_and_are_attached_once_checked(
    signed_in: WatchedPage, api: httpx.Client, screenshot: Screenshot
) -> None:
    page = signed_in.page
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request))
    open_ship(page, api, "Endurance")
    drop(page, {"register.pdf": ("application/pdf", PDF),
                "deck.png": ("image/png", solid_png((30, 90, 160), size=300))})  # fmt: skip
    items = page.locator(".dropzone-file")
    expect(items).to_have_count(2)
    for index in range(2):
        expect(items.nth(index)).to_have_attribute("data-state", "done")
        bar = items.nth(index).locator("progress")
        assert bar.evaluate("bar => bar.value === bar.max && bar.max > 0")
    signed = page.locator("#papers-form input[type=hidden][name=papers]")
    expect(signed).to_have_count(2)
    puts = [request for request in sent if request.method == "PUT"]
    assert len(puts) == 2
    assert all(re.search(r"/storage/uploads/[^/]+$", request.url) for request in puts)
    declared = [request for request in sent if request.url.endswith("/uploads/direct")]
    assert len(declared) == 2
    assert all(request.headers.get("x-csrf-token") for request in declared + puts)
    screenshot(page, "direct-uploads-sent")

    page.get_by_role("button", name="Attach papers").click()
    papers = page.locator("#ship-papers li")
    expect(papers).to_have_count(2)
    expect(papers.nth(0)).to_contain_text("register.pdf")
    expect(papers.nth(0)).to_contain_text("application/pdf")
    expect(papers.nth(1)).to_contain_text("deck.png")
    expect(papers.nth(1)).to_contain_text("image/png")
    expect(page.locator("#papers-error")).to_have_count(0)
    link = papers.nth(0).locator("a").get_attribute("href")
    assert link is not None
    assert page.request.get(link).body() == PDF
    screenshot(page, "direct-uploads-attached")
    signed_in.assert_no_csp_violations()


def test_a_renamed_program_is_refused_when_the_form_is_sent(
    signed_in: WatchedPage, api: httpx.Client, screenshot: Screenshot
) -> None:
    page = signed_in.page
    open_ship(page, api, "Erebus")
    drop(page, {"manifest.pdf": ("application/pdf", PROGRAM)})
    expect(page.locator(".dropzone-file")).to_have_attribute("data-state", "done")
    page.get_by_role("button", name="Attach papers").click()
    error = page.locator("#papers-error")
    expect(error).to_contain_text(
        "manifest.pdf is application/x-executable, not the application/pdf it was declared as"
    )
    expect(page.locator("#ship-papers li")).to_have_text("No papers yet.")
    screenshot(page, "direct-uploads-refused")
    signed_in.assert_no_csp_violations()


def test_a_file_larger_than_one_hashing_slice_is_sent_and_checked(
    signed_in: WatchedPage, api: httpx.Client
) -> None:
    page = signed_in.page
    open_ship(page, api, "Nautilus")
    big = PDF[:-6] + b"%" + b"x" * (5 * 1024 * 1024) + b"\n%%EOF\n"  # 4 MiB slices: two
    drop(page, {"logbook.pdf": ("application/pdf", big)})
    expect(page.locator(".dropzone-file")).to_have_attribute("data-state", "done", timeout=30_000)
    page.get_by_role("button", name="Attach papers").click()
    expect(page.locator("#ship-papers li")).to_contain_text(
        f"logbook.pdf application/pdf, {len(big)} bytes"
    )
    signed_in.assert_no_csp_violations()
