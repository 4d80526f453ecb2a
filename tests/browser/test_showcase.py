"""issue 3's "Must show" in a real browser: the showcase under the strict CSP in Chromium.

Every flow ends by checking that the page caused no Content-Security-Policy violation
and no JavaScript error; the last test shows that such a violation would be caught.
Adding and deleting ships need ``ships:create``/``ships:delete``: those flows run
``signed_in`` (the captain holds the ``admin`` role, ``*``).
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from tests.browser.conftest import Screenshot
from tests.images.pictures import png

from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

MARKER = "set before any navigation"
HEADINGS = {
    "Ships": "Ships",
    "Settings": "Effective settings",
    "Shipyard showcase": "Shipyard showcase",
}


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _set_marker(page: Page) -> None:
    """Mark the document: a full page load loses the mark, htmx swaps keep it."""
    page.evaluate("marker => { window.showcaseMarker = marker; }", MARKER)


def _marker(page: Page) -> object:
    return page.evaluate("() => window.showcaseMarker ?? null")


def _count(page: Page) -> int:
    return int(page.locator("#ship-count").inner_text())


def _nav(page: Page, label: str) -> Locator:
    return page.get_by_role("navigation").get_by_role("link", name=label, exact=True)


def _row(page: Page, name: str) -> Locator:
    return page.locator("#ship-rows tr", has_text=name)


def _decoded_width(image: Locator) -> int:
    """The width of the picture the browser decoded for ``image``, once it has."""
    width: int = image.evaluate("img => img.decode().then(() => img.naturalWidth)")
    return width


def _add_ship(api: httpx.Client, name: str) -> int:
    response = api.post("/api/ships", json={"name": name})
    assert response.status_code == 201, response.text
    ship_id: int = response.json()["id"]
    return ship_id


def _expect_full_ships_page(page: Page) -> None:
    expect(page.get_by_role("navigation")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Ships")
    expect(page.locator("#ship-form")).to_have_count(1)
    expect(page.locator("#ship-rows tr").first).to_be_visible()


def test_boosted_navigation_swaps_pages_without_reloading(watched: WatchedPage) -> None:
    page = watched.page
    page.goto("/")
    _set_marker(page)

    with page.expect_request(re.compile(r"/ships$")) as request:
        _nav(page, "Ships").click()
    expect(page).to_have_url(re.compile(r"/ships$"))
    expect(page.locator("h1")).to_have_text("Ships")
    expect(page).to_have_title(re.compile(r"^Ships · "))
    assert request.value.headers.get("hx-boosted") == "true"

    _nav(page, "Settings").click()
    expect(page.locator("h1")).to_have_text("Effective settings")
    expect(page.locator("#csp-preset")).to_have_text("strict")
    _nav(page, "Shipyard showcase").click()
    expect(page.locator("h1")).to_have_text("Shipyard showcase")

    assert _marker(page) == MARKER
    expect(page.get_by_role("navigation")).to_have_count(1)
    watched.assert_no_csp_violations()


def test_invalid_form_is_rerendered_inline_then_corrected_and_submitted(
    signed_in: WatchedPage,
) -> None:
    page = signed_in.page
    page.goto("/ships")
    _set_marker(page)
    rows_before = page.locator("#ship-rows tr").count()
    name = page.get_by_label("Name")

    name.fill("X")
    with page.expect_response(re.compile(r"/ships$")) as invalid:
        page.get_by_role("button", name="Add ship").click()
    assert invalid.value.status == 422
    errors = page.locator("#ship-form .field-errors")
    expect(errors).to_have_text("String should have at least 3 characters")
    expect(name).to_have_value("X")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ship-rows tr")).to_have_count(rows_before)

    corrected = _unique("Nautilus")
    name.fill(corrected)
    with page.expect_response(re.compile(r"/ships$")) as valid:
        page.get_by_role("button", name="Add ship").click()
    assert valid.value.status == 200
    expect(_row(page, corrected)).to_have_count(1)
    expect(page.locator("#ship-form .field-errors")).to_have_count(0)
    expect(page.get_by_label("Name")).to_have_value("")
    assert _marker(page) == MARKER
    signed_in.assert_no_csp_violations()


def test_one_response_updates_rows_counter_and_flash_out_of_band(signed_in: WatchedPage) -> None:
    page = signed_in.page
    page.goto("/ships")
    before = _count(page)
    name = _unique("Endurance")

    page.get_by_label("Name").fill(name)
    with page.expect_response(re.compile(r"/ships$")) as response:
        page.get_by_role("button", name="Add ship").click()

    expect(page.locator("#ship-count")).to_have_text(str(before + 1))
    expect(page.locator("#ship-rows tr").last).to_contain_text(name)
    expect(page.locator("#flash-messages")).to_contain_text(f"Ship {name} added.")
    assert response.value.request.method == "POST"
    assert "hx-swap-oob" in response.value.text()  # one response, several regions
    signed_in.assert_no_csp_violations()


def test_csrf_protected_htmx_delete_after_several_boosted_navigations(
    signed_in: WatchedPage, api: httpx.Client
) -> None:
    page = signed_in.page
    name = _unique("Titanic")
    ship_id = _add_ship(api, name)
    page.goto("/")
    _set_marker(page)
    for label in ("Ships", "Settings", "Shipyard showcase", "Settings", "Ships"):
        _nav(page, label).click()
        expect(page.locator("h1")).to_have_text(HEADINGS[label])
    assert _marker(page) == MARKER
    before = _count(page)

    forged = page.evaluate(
        "url => fetch(url, {method: 'DELETE', headers: {'HX-Request': 'true'}})"
        ".then(response => response.status)",
        f"/ships/{ship_id}",
    )
    assert forged == 403  # without the token from <body hx-headers> the server refuses

    _row(page, name).get_by_role("button", name=f"Delete {name}").click()
    with page.expect_response(f"**/ships/{ship_id}") as deleted:
        page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    assert deleted.value.status == 200
    assert deleted.value.request.method == "DELETE"
    assert deleted.value.request.headers.get("x-csrf-token")
    expect(_row(page, name)).to_have_count(0)
    expect(page.locator("#ship-count")).to_have_text(str(before - 1))
    expect(page.locator("#flash-messages")).to_contain_text(f"Ship {name} deleted.")
    assert name not in {ship["name"] for ship in api.get("/api/ships").json()}
    assert _marker(page) == MARKER
    signed_in.assert_no_csp_violations()


def test_back_button_after_fragment_swaps_shows_the_full_page(
    signed_in: WatchedPage, api: httpx.Client
) -> None:
    page = signed_in.page
    names = [_unique(prefix) for prefix in ("Beagle", "Fram", "Kon-Tiki")]
    ids = [_add_ship(api, name) for name in names]
    restores: list[str] = []
    page.on(
        "request",
        lambda request: (
            restores.append(request.url)
            if request.headers.get("hx-history-restore-request") == "true"
            else None
        ),
    )
    page.goto("/ships")
    _set_marker(page)

    for name, ship_id in zip(names, ids, strict=True):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/ships/{ship_id}$"))
        expect(page.locator("#ship-detail h2")).to_have_text(name)

    page.go_back()  # from htmx's history cache
    expect(page).to_have_url(re.compile(rf"/ships/{ids[1]}$"))
    expect(page.locator("#ship-detail h2")).to_have_text(names[1])
    _expect_full_ships_page(page)

    # Empty htmx's history cache: the next Back is a cache miss, so htmx asks the server.
    page.evaluate("() => sessionStorage.removeItem('htmx-history-cache')")
    with page.expect_response(re.compile(rf"/ships/{ids[0]}$")) as restored:
        page.go_back()
    expect(page).to_have_url(re.compile(rf"/ships/{ids[0]}$"))
    expect(page.locator("#ship-detail h2")).to_have_text(names[0])
    _expect_full_ships_page(page)
    assert restores == [restored.value.url]
    assert "HX-Request" in (restored.value.headers.get("vary") or "")
    assert _marker(page) == MARKER  # restored by htmx, not reloaded
    signed_in.assert_no_csp_violations()


def test_pushed_url_loaded_directly_is_the_full_page(
    signed_in: WatchedPage, api: httpx.Client
) -> None:
    page = signed_in.page
    name = _unique("Calypso")
    ship_id = _add_ship(api, name)
    page.goto("/ships")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/ships/{ship_id}$"))

    page.reload()

    expect(page.locator("#ship-detail h2")).to_have_text(name)
    _expect_full_ships_page(page)
    page.goto(f"/ships/{ship_id}")
    expect(page.locator("#ship-detail h2")).to_have_text(name)
    _expect_full_ships_page(page)
    signed_in.assert_no_csp_violations()


def test_strict_policy_is_served_and_a_violation_would_be_caught(watched: WatchedPage) -> None:
    page = watched.page
    response = page.goto("/ships")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy)
    watched.assert_no_csp_violations()

    page.evaluate(
        """() => document.body.insertAdjacentHTML(
            'beforeend', '<style>body { color: red }</style><img src="x" onerror="alert(1)">'
        )"""
    )

    for _ in range(50):  # the events reach Python asynchronously
        if len(watched.violations) == 2 and len(watched.csp_console_messages) == 2:
            break
        page.wait_for_timeout(100)
    directives = sorted(violation["directive"] for violation in watched.violations)
    assert directives == ["script-src-attr", "style-src-elem"]
    assert len(watched.csp_console_messages) == 2
    with pytest.raises(AssertionError):
        watched.assert_no_csp_violations()


def test_the_scaffolded_ports_are_in_the_showcase_s_navigation_and_layout(
    signed_in: WatchedPage, screenshot: Screenshot
) -> None:
    page = signed_in.page
    name = _unique("Port")
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Ports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ports")
    page.get_by_role("link", name="New port").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Country").fill("Norway")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("dl")).to_contain_text(name)
    page.get_by_role("link", name="Back to ports").click()
    expect(page.locator("#port-rows")).to_contain_text(name)
    screenshot(page, "showcase-ports")
    signed_in.assert_no_csp_violations()


def test_a_ship_photo_is_uploaded_with_the_form_and_shown_as_variants(
    signed_in: WatchedPage, screenshot: Screenshot
) -> None:
    page = signed_in.page
    page.goto("/ships")
    name = _unique("Fotografen")

    page.get_by_label("Name").fill(name)
    page.get_by_label("Photo").set_input_files(
        {"name": "ship.png", "mimeType": "image/png", "buffer": png((320, 200))}
    )
    page.get_by_role("button", name="Add ship").click()
    expect(_row(page, name)).to_be_visible()
    thumb = _row(page, name).locator("img")
    assert "/storage/variants/" in (thumb.get_attribute("src") or "")
    assert _decoded_width(thumb) == 48  # the thumb variant, not the photo
    screenshot(page, "showcase-fleet-thumbnails")

    _row(page, name).get_by_role("link", name=name).click()
    photo = page.get_by_role("img", name=f"Photo of {name}")
    expect(photo).to_be_visible()
    assert "/storage/variants/" in (photo.get_attribute("src") or "")
    assert _decoded_width(photo) == 320  # the large variant: within 640 x 640, not enlarged
    screenshot(page, "showcase-ship-photo")
    signed_in.assert_no_csp_violations()
