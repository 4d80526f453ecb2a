"""The showcase's htmx ships pages, in-process: forms, out-of-band swaps, CSRF, fragments.

The browser tests (tests/browser/) drive the same pages in Chromium; these check the
server's side of each contract: status codes, which blocks are sent, headers. Adding
and deleting need ``ships:create``/``ships:delete``: ``skipper`` holds ``ships:*``,
``member`` nothing (tests/showcase/test_accounts.py checks what they are refused);
``api`` adds ships through the API.
"""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient, Response

from shipyard.db import count_queries

HTMX = {"HX-Request": "true"}
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _token(skipper: AsyncClient) -> str:
    """A CSRF token of the skipper's session (the page also sets the session cookie)."""
    response = await skipper.get("/ships")
    match = TOKEN_FIELD.search(response.text)
    assert match is not None, "the ships form carries no CSRF field"
    return match.group(1)


async def _add(skipper: AsyncClient, name: str, *, htmx: bool = True) -> Response:
    token = await _token(skipper)
    headers = {**HTMX} if htmx else {}
    return await skipper.post("/ships", data={"csrf_token": token, "name": name}, headers=headers)


async def _ship_ids(skipper: AsyncClient) -> dict[str, int]:
    return {ship["name"]: ship["id"] for ship in (await skipper.get("/api/ships")).json()}


async def test_ships_page_is_a_full_page_with_form_counter_and_boosted_nav(
    skipper: AsyncClient,
    api: AsyncClient,
) -> None:
    await api.post("/api/ships", json={"name": "Fram"})

    response = await skipper.get("/ships")

    assert response.status_code == 200
    html = response.text
    assert '<nav class="nav" hx-boost="true"' in html
    assert '<strong id="ship-count">1</strong>' in html
    assert 'hx-post="/ships"' in html
    assert 'name="csrf_token"' in html
    assert "hx-headers=" in html
    assert re.search(r'hx-get="/ships/\d+"\s+hx-target="#ship-detail"\s+hx-push-url="true"', html)
    assert re.search(r'hx-delete="/ships/\d+"', html)
    assert 'id="flash-messages"' in html


async def test_pages_need_nothing_the_strict_csp_would_block(skipper: AsyncClient) -> None:
    for path in ("/", "/ships", "/settings"):
        html = (await skipper.get(path)).text
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts, path
        assert all('nonce="' in tag and 'src="' in tag for tag in scripts), (path, scripts)
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert "hx-on" not in html, path


async def test_invalid_input_rerenders_only_the_form_with_422(skipper: AsyncClient) -> None:
    response = await _add(skipper, "  X ")

    assert response.status_code == 422
    assert "<nav" not in response.text
    assert 'id="ship-form"' in response.text
    assert "String should have at least 3 characters" in response.text
    assert 'value="X"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "HX-Request" in response.headers["vary"]
    assert await _ship_ids(skipper) == {}


async def test_empty_name_is_required(skipper: AsyncClient) -> None:
    response = await _add(skipper, "")

    assert response.status_code == 422
    assert "This field is required." in response.text


async def test_invalid_input_without_htmx_is_the_full_page_with_422(skipper: AsyncClient) -> None:
    response = await _add(skipper, "a" * 101, htmx=False)

    assert response.status_code == 422
    assert "<nav" in response.text
    assert "String should have at most 100 characters" in response.text


async def test_duplicate_name_is_an_inline_error(skipper: AsyncClient) -> None:
    assert (await _add(skipper, "Beagle")).status_code == 200

    response = await _add(skipper, "Beagle")

    assert response.status_code == 422
    assert "A ship named &#39;Beagle&#39; already exists." in response.text
    assert list(await _ship_ids(skipper)) == ["Beagle"]


async def test_valid_input_answers_with_out_of_band_row_counter_and_flash(
    skipper: AsyncClient,
    api: AsyncClient,
) -> None:
    await api.post("/api/ships", json={"name": "Fram"})

    response = await _add(skipper, "Nautilus")

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith("<form")  # the main swap: a blank form
    assert 'value="Nautilus"' not in html
    assert '<strong id="ship-count" hx-swap-oob="outerHTML">2</strong>' in html
    ship_id = (await _ship_ids(skipper))["Nautilus"]
    assert re.search(
        r'<template><tbody hx-swap-oob="beforeend:#ship-rows">\s*'
        rf'<tr id="ship-{ship_id}">.*?Nautilus.*?</tr>\s*</tbody></template>',
        html,
        flags=re.DOTALL,
    )
    assert 'hx-swap-oob="innerHTML:#flash-messages"' in html
    assert "Ship Nautilus added." in html


async def test_flash_is_shown_once_after_the_out_of_band_swap(skipper: AsyncClient) -> None:
    await _add(skipper, "Nautilus")

    assert "Ship Nautilus added." not in (await skipper.get("/ships")).text


async def test_valid_input_without_htmx_redirects_and_flashes_on_the_next_page(
    skipper: AsyncClient,
) -> None:
    response = await _add(skipper, "Endeavour", htmx=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/ships"
    page = (await skipper.get("/ships")).text
    assert '<div class="flash flash-success" role="status">Ship Endeavour added.</div>' in page
    assert '<strong id="ship-count">1</strong>' in page


async def test_hostile_name_is_escaped_everywhere(skipper: AsyncClient) -> None:
    response = await _add(skipper, "<script>alert(1)</script>")

    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert" not in (await skipper.get("/ships")).text


async def test_form_post_without_csrf_token_is_refused(skipper: AsyncClient) -> None:
    await _token(skipper)

    response = await skipper.post("/ships", data={"name": "Nautilus"}, headers=HTMX)

    assert response.status_code == 403
    assert await _ship_ids(skipper) == {}


async def test_delete_requires_the_csrf_token(skipper: AsyncClient, api: AsyncClient) -> None:
    await api.post("/api/ships", json={"name": "Fram"})
    ship_id = (await _ship_ids(skipper))["Fram"]
    token = await _token(skipper)

    missing = await skipper.delete(f"/ships/{ship_id}", headers=HTMX)
    wrong = await skipper.delete(f"/ships/{ship_id}", headers={**HTMX, "X-CSRF-Token": "A" * 86})
    cross_site = await skipper.delete(
        f"/ships/{ship_id}",
        headers={**HTMX, "X-CSRF-Token": token, "Origin": "https://evil.example"},
    )

    assert [missing.status_code, wrong.status_code, cross_site.status_code] == [403, 403, 403]
    assert "CSRF token missing" in missing.text
    assert await _ship_ids(skipper) == {"Fram": ship_id}


async def test_delete_with_the_token_removes_the_row_and_updates_the_counter(
    skipper: AsyncClient,
    api: AsyncClient,
) -> None:
    for name in ("Fram", "Beagle"):
        await api.post("/api/ships", json={"name": name})
    ship_id = (await _ship_ids(skipper))["Fram"]
    token = await _token(skipper)

    response = await skipper.delete(
        f"/ships/{ship_id}", headers={**HTMX, "X-CSRF-Token": token, "Origin": "http://testserver"}
    )

    assert response.status_code == 200
    assert '<strong id="ship-count" hx-swap-oob="outerHTML">1</strong>' in response.text
    assert "Ship Fram deleted." in response.text
    assert "<tr" not in response.text  # the main swap is empty: the row goes
    assert list(await _ship_ids(skipper)) == ["Beagle"]


async def test_delete_of_an_unknown_ship_is_404(skipper: AsyncClient) -> None:
    token = await _token(skipper)

    response = await skipper.delete("/ships/999", headers={**HTMX, "X-CSRF-Token": token})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("headers", "full_page"),
    [
        ({}, True),
        (HTMX, False),
        ({**HTMX, "HX-Boosted": "true"}, True),
        ({**HTMX, "HX-History-Restore-Request": "true"}, True),
    ],
    ids=["direct", "htmx-swap", "boosted", "history-restore"],
)
async def test_details_are_a_fragment_only_for_htmx_swaps(
    skipper: AsyncClient, api: AsyncClient, headers: dict[str, str], full_page: bool
) -> None:
    await api.post("/api/ships", json={"name": "Kon-Tiki"})
    ship_id = (await _ship_ids(skipper))["Kon-Tiki"]

    response = await skipper.get(f"/ships/{ship_id}", headers=headers)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    assert "<h2>Kon-Tiki</h2>" in response.text
    assert ("<nav" in response.text) is full_page
    assert ('id="ship-form"' in response.text) is full_page


async def test_details_of_an_unknown_ship_is_404(skipper: AsyncClient) -> None:
    assert (await skipper.get("/ships/424242")).status_code == 404


IDS_THAT_CANNOT_EXIST = [
    "9223372036854775808",  # one past SQLite's largest integer: was a 500 (overflow)
    "99999999999999999999999",
    "2147483648",  # past the Integer key (IdMixin) on PostgreSQL
    "-1",
    "0",
    "not-a-number",
    "1.5",
    "1e3",
]


@pytest.mark.parametrize("ship_id", IDS_THAT_CANNOT_EXIST)
async def test_ids_that_cannot_exist_are_the_404_page_before_any_query(
    skipper: AsyncClient, ship_id: str
) -> None:
    token = await _token(skipper)
    with count_queries() as queries:
        page = await skipper.get(f"/ships/{ship_id}", headers={"Accept": "text/html"})
        fragment = await skipper.get(f"/ships/{ship_id}", headers=HTMX)
        deleted = await skipper.delete(f"/ships/{ship_id}", headers={**HTMX, "X-CSRF-Token": token})
        api = await skipper.get(f"/ships/{ship_id}", headers={"Accept": "application/json"})

    assert [page.status_code, fragment.status_code, deleted.status_code] == [404, 404, 404]
    assert not [sql for sql in queries.statements if "ships" in sql]  # session and user only
    assert "ids are whole numbers from 1 to 2147483647" in page.text  # the 404 page
    assert "Traceback" not in page.text
    assert api.status_code == 404
    assert api.json()["type"].endswith("/not-found")


async def test_home_marks_the_web_layer_available_and_links_the_demo(
    skipper: AsyncClient,
) -> None:
    html = (await skipper.get("/")).text

    assert re.search(r'<a href="/ships">Web layer</a>.*?status-available', html, re.DOTALL)
    assert "Pages and htmx" not in html
