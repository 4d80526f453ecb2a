"""The drop zone in Chromium under the strict CSP: two files dropped, previews, progress
from the browser and from the server (SSE), both done; cancel and retry; no violation."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from tests.browser.conftest import Screenshot, watched_page
from tests.uploads.server import serve

pytestmark = pytest.mark.browser


def solid_png(rgb: tuple[int, int, int], size: int = 48) -> bytes:
    """A real ``size`` x ``size`` PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def dropzone_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("dropzone")
    with serve(root, {"SHIPYARD_SECURITY__CSP_PRESET": "strict"}) as (url, _):
        yield url


def drop(page: Page, files: dict[str, tuple[str, bytes]]) -> None:
    """Drop ``files`` (name: (type, bytes)) on the drop zone, as a user dragging them in."""
    payload = [
        {"name": name, "type": kind, "data": base64.b64encode(data).decode()}
        for name, (kind, data) in files.items()
    ]
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, {type: f.type}));
            }
            return transfer;
        }""",
        payload,
    )
    zone = page.locator("[data-dropzone]")
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def test_two_dropped_images_upload_with_previews_and_progress(
    browser: Browser, dropzone_url: str, screenshot: Screenshot
) -> None:
    with watched_page(browser, dropzone_url) as watched:
        page = watched.page
        page.goto("/dropzone")
        drop(page, {"red.png": ("image/png", solid_png((200, 30, 30))),
                    "blue.png": ("image/png", solid_png((30, 60, 200)))})  # fmt: skip
        items = page.locator(".dropzone-file")
        expect(items).to_have_count(2)
        for index in range(2):
            item = items.nth(index)
            expect(item).to_have_attribute("data-state", "done")
            expect(item.locator(".dropzone-status")).to_have_text("Done")
            expect(item.locator("img")).to_have_attribute("src", re.compile(r"^data:image/png"))
            assert item.locator("img").evaluate("img => img.naturalWidth") == 48
            bar = item.locator("progress")
            assert bar.evaluate("bar => bar.value === bar.max && bar.max > 0")
            # the server's own progress arrived over SSE (the last state it published)
            expect(item).to_have_attribute("data-server-state", "done")
        expect(items.nth(0).locator(".dropzone-name")).to_have_text("red.png")
        screenshot(page, "uploads-dropzone")
        watched.assert_no_csp_violations()


def test_a_refused_file_shows_why_and_can_be_retried(
    browser: Browser, dropzone_url: str, screenshot: Screenshot
) -> None:
    with watched_page(browser, dropzone_url) as watched:
        page = watched.page
        page.goto("/dropzone")
        drop(page, {"evil.png": ("image/png", b"MZ\x90\x00" + b"\x00" * 200)})
        item = page.locator(".dropzone-file")
        expect(item).to_have_attribute("data-state", "failed")
        expect(item.locator(".dropzone-status")).to_contain_text("is a program")
        retry = item.locator(".dropzone-retry")
        expect(retry).to_be_visible()
        retry.click()
        expect(item).to_have_attribute("data-state", "failed")
        screenshot(page, "uploads-dropzone-refused")
        watched.assert_no_csp_violations()


def test_an_upload_can_be_cancelled_then_retried(browser: Browser, dropzone_url: str) -> None:
    with watched_page(browser, dropzone_url) as watched:
        page = watched.page
        page.goto("/dropzone")
        held: list[Route] = []
        page.route("**/photos", lambda route: held.append(route))  # the upload stays in flight
        drop(page, {"green.png": ("image/png", solid_png((30, 160, 60)))})
        item = page.locator(".dropzone-file")
        expect(item).to_have_attribute("data-state", "sending")
        item.locator(".dropzone-cancel").click()
        expect(item).to_have_attribute("data-state", "cancelled")
        page.unroute("**/photos")
        item.locator(".dropzone-retry").click()
        expect(item).to_have_attribute("data-state", "done")
        watched.assert_no_csp_violations()
