"""The htmx response headers: exact values, JSON escaping, merging, OOB swaps, 286."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi import Request
from starlette.responses import HTMLResponse, Response
from tests.web.conftest import get

from shipyard import App
from shipyard.web import htmx


def test_location_plain_path() -> None:
    response = htmx.location(Response(), "/posts/3")
    assert response.headers["HX-Location"] == "/posts/3"


def test_location_with_every_option() -> None:
    response = htmx.location(
        Response(),
        "/posts",
        target="#main",
        swap="outerHTML",
        select="#list",
        values={"page": 2},
        headers={"X-A": "b"},
        event="click",
        source="#btn",
        handler="h",
        push=False,
        replace="/p",
    )
    assert json.loads(response.headers["HX-Location"]) == {
        "path": "/posts",
        "target": "#main",
        "swap": "outerHTML",
        "select": "#list",
        "values": {"page": 2},
        "headers": {"X-A": "b"},
        "event": "click",
        "source": "#btn",
        "handler": "h",
        "push": "false",
        "replace": "/p",
    }
    assert response.headers["HX-Location"].startswith('{"path":"/posts","target":"#main"')


def test_location_json_is_ascii_and_escaped() -> None:
    response = htmx.location(Response(), "/é", values={"q": 'a"\n</script>ü'})
    header = response.headers["HX-Location"]
    assert header.isascii()
    assert "\n" not in header
    assert json.loads(header)["values"]["q"] == 'a"\n</script>ü'


@pytest.mark.parametrize(
    ("helper", "header"),
    [
        (htmx.push_url, "HX-Push-Url"),
        (htmx.replace_url, "HX-Replace-Url"),
        (htmx.redirect, "HX-Redirect"),
    ],
)
def test_url_headers(helper: Callable[[Response, str], Response], header: str) -> None:
    response = helper(Response(), "/posts?q=a b&x=ü#top")
    assert response.headers[header] == "/posts?q=a%20b&x=%C3%BC#top"


def test_push_and_replace_false() -> None:
    assert htmx.push_url(Response(), False).headers["HX-Push-Url"] == "false"
    assert htmx.replace_url(Response(), False).headers["HX-Replace-Url"] == "false"


@pytest.mark.parametrize("bad", ["", "/a\r\nSet-Cookie: x=1", "/a\nb", "\x00"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        htmx.redirect(Response(), bad)
    with pytest.raises(ValueError, match="control characters"):
        htmx.retarget(Response(), bad)


def test_refresh_reswap_retarget_reselect() -> None:
    response = Response()
    htmx.refresh(response)
    htmx.reswap(response, "innerHTML scroll:top")
    htmx.retarget(response, "#errors")
    htmx.reselect(response, "#form")
    assert response.headers["HX-Refresh"] == "true"
    assert response.headers["HX-Reswap"] == "innerHTML scroll:top"
    assert response.headers["HX-Retarget"] == "#errors"
    assert response.headers["HX-Reselect"] == "#form"


@pytest.mark.parametrize("bad", ["inner", "outerhtml", "javascript:alert(1)"])
def test_unknown_swap_style_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown htmx swap style"):
        htmx.reswap(Response(), bad)


def test_trigger_names_only() -> None:
    response = htmx.trigger(Response(), "saved")
    htmx.trigger(response, "closeModal")
    assert response.headers["HX-Trigger"] == "saved, closeModal"


def test_trigger_with_payloads_merges_to_json() -> None:
    response = htmx.trigger(Response(), "saved")
    htmx.trigger(response, "showMessage", {"level": "info", "text": 'Ünïcode "quoted" <b>'})
    htmx.trigger(response, "count", 3)
    header = response.headers["HX-Trigger"]
    assert header.isascii()
    assert json.loads(header) == {
        "saved": None,
        "showMessage": {"level": "info", "text": 'Ünïcode "quoted" <b>'},
        "count": 3,
    }


def test_trigger_same_event_replaces_detail() -> None:
    response = htmx.trigger(Response(), "n", 1)
    htmx.trigger(response, "n", 2)
    assert response.headers["HX-Trigger"] == '{"n":2}'


def test_trigger_after_swap_and_settle_are_separate_headers() -> None:
    response = htmx.trigger(Response(), "a", after="swap")
    htmx.trigger(response, "b", {"x": 1}, after="settle")
    assert "HX-Trigger" not in response.headers
    assert response.headers["HX-Trigger-After-Swap"] == "a"
    assert response.headers["HX-Trigger-After-Settle"] == '{"b":{"x":1}}'


@pytest.mark.parametrize("bad", ["a,b", " a", "", "a\nb"])
def test_bad_event_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="event name"):
        htmx.trigger(Response(), bad)


def test_oob_several_targets_and_strategies() -> None:
    pieces = [
        htmx.oob("count", "3 posts"),
        htmx.oob("list", "<li>new</li>", swap="beforeend"),
        htmx.oob("rows", "", swap="delete"),
    ]
    assert pieces[0] == '<div id="count" hx-swap-oob="outerHTML">3 posts</div>'
    assert pieces[1] == '<div hx-swap-oob="beforeend:#list">&lt;li&gt;new&lt;/li&gt;</div>'
    assert pieces[2] == '<div hx-swap-oob="delete:#rows"></div>'


def test_oob_keeps_markup_content_and_wraps_table_parts() -> None:
    from markupsafe import Markup

    row = htmx.oob("row-1", Markup("<td>1</td>"), tag="tr")
    assert row == '<template><tr id="row-1" hx-swap-oob="outerHTML"><td>1</td></tr></template>'


def test_oob_hostile_ids_are_escaped() -> None:
    attrs = htmx.oob_attrs('x"><script>alert(1)</script>', swap="innerHTML")
    assert "<script>" not in attrs
    assert attrs == (
        'hx-swap-oob="innerHTML:#x\\&#34;\\&gt;\\&lt;script\\&gt;alert\\(1\\)\\&lt;\\/script\\&gt;"'
    )
    outer = htmx.oob_attrs('a"b')
    assert outer == 'id="a&#34;b" hx-swap-oob="outerHTML"'


@pytest.mark.parametrize("bad", ["", "a b", "a\tb", "a\nb"])
def test_oob_invalid_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="element id"):
        htmx.oob(bad, "x")


@pytest.mark.parametrize("bad", ["div onclick=x", "DIV", "div\n", ""])
def test_oob_invalid_tags_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="tag name"):
        htmx.oob("a", "x", tag=bad)


@pytest.mark.parametrize(
    ("ident", "escaped"),
    [
        ("plain-id_1", "plain-id_1"),
        ("1abc", "\\31 abc"),
        ("-1a", "-\\31 a"),
        ("-", "\\-"),
        ("a.b:c", "a\\.b\\:c"),
        ("é", "é"),
        ("a\x00", "a\ufffd"),
        ("a\x01", "a\\1 "),
    ],
)
def test_css_escape_matches_cssom(ident: str, escaped: str) -> None:
    assert htmx.css_escape(ident) == escaped


def test_with_oob_appends_and_fixes_length() -> None:
    response = HTMLResponse("<p>main</p>")
    htmx.with_oob(response, htmx.oob("a", "1"), htmx.oob("b", "2", swap="innerHTML"))
    body = bytes(response.body)
    assert body == (
        b'<p>main</p><div id="a" hx-swap-oob="outerHTML">1</div>'
        b'<div hx-swap-oob="innerHTML:#b">2</div>'
    )
    assert response.headers["content-length"] == str(len(body))


def test_with_oob_escapes_plain_strings() -> None:
    response = htmx.with_oob(HTMLResponse(""), "<script>")
    assert bytes(response.body) == b"&lt;script&gt;"


async def test_stop_polling_is_286(app: App) -> None:
    @app.get("/poll")
    async def poll() -> Response:
        return htmx.stop_polling()

    @app.get("/poll-body")
    async def poll_body() -> Response:
        return htmx.stop_polling(HTMLResponse("done"))

    assert (await get(app, "/poll")).status_code == 286
    done = await get(app, "/poll-body")
    assert (done.status_code, done.text) == (286, "done")


async def test_htmx_redirect(app: App) -> None:
    @app.get("/private")
    async def private(request: Request) -> Response:
        return htmx.htmx_redirect(request, "/login?next=/private")

    hx = await get(app, "/private", headers={"HX-Request": "true"})
    assert hx.status_code == 200
    assert hx.headers["HX-Redirect"] == "/login?next=/private"
    assert "location" not in hx.headers
    plain = await get(app, "/private")
    assert plain.status_code == 303
    assert plain.headers["location"] == "/login?next=/private"
    assert "HX-Redirect" not in plain.headers
