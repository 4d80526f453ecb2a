"""Checks of how a page looks and reads, shared by the browser tests of the design.

``assert_in_layout``: the page carries the app's navigation and stylesheet and the
framework's design. ``assert_fits``: no horizontal overflow at the viewport's width.
``serious_accessibility_findings``: axe-core's serious and critical violations (axe is
vendored under ``tests/browser/vendor`` and evaluated through the DevTools protocol, which
the page's strict CSP does not govern, so the check adds no violation of its own).
``check_page`` runs all three; ``check_layout_of`` opens a page first and checks who the
navigation shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import FloatRect, Page, ViewportSize, expect

from shipyard.testing.watch import WatchedPage

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


def assert_in_layout(page: Page, stylesheet: str) -> None:
    """The app's navigation, its stylesheet and the framework's design are on the page."""
    expect(page.locator("header nav.nav")).to_have_count(1)
    expect(page.locator(f'link[rel="stylesheet"][href*="{stylesheet}"]')).to_have_count(1)
    expect(page.locator('link[rel="stylesheet"][href*="shipyard/design.css"]')).to_have_count(1)
    expect(page.locator("main#main")).to_have_count(1)


def assert_fits(page: Page) -> None:
    """Nothing is wider than the viewport (the page never scrolls sideways)."""
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide in {widths[1]}px"


def serious_accessibility_findings(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page, with the offending nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": finding["id"],
            "impact": finding["impact"],
            "help": finding["help"],
            "nodes": [node["html"] for node in finding["nodes"][:3]],
        }
        for finding in report["violations"]
        if finding["impact"] in ("serious", "critical")
    ]


def check_page(
    page: Page, name: str, stylesheet: str, screenshot: Callable[[Page, str], Path]
) -> None:
    """In the layout, accessible, and fitting both a desktop and a 390 px wide phone
    (a screenshot of each for a person to look at)."""
    assert_in_layout(page, stylesheet)
    findings = serious_accessibility_findings(page)
    assert findings == [], f"{page.url}: {findings}"
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        assert_fits(page)
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def check_layout_of(
    watched: WatchedPage,
    path: str,
    name: str,
    stylesheet: str,
    screenshot: Callable[[Page, str], Path],
    user: str | None = None,
) -> None:
    """Open ``path``: the navigation names ``user`` (offers "Log in" without one), the page
    passes :func:`check_page` (screenshots ``name``-desktop/phone), no CSP violation."""
    page = watched.page
    page.set_viewport_size(DESKTOP)
    page.goto(path)
    if user is None:
        expect(page.locator("#nav-account")).to_contain_text("Log in")
    else:
        expect(page.locator(".nav-user")).to_have_text(user)
        expect(page.locator("#nav-account")).not_to_contain_text("Log in")
    check_page(page, name, stylesheet, screenshot)
    watched.assert_no_csp_violations()


def boxes_overlap(first: FloatRect | None, second: FloatRect | None) -> bool:
    """True when two bounding boxes (Playwright's x, y, width, height) intersect."""
    assert first is not None
    assert second is not None
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )
