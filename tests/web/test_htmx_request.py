"""The htmx request headers: every accessor, tolerant parsing, the dependency."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.datastructures import Headers
from tests.web.conftest import get

from shipyard import App
from shipyard.web import Htmx, HtmxDetails


def details(headers: dict[str, str] | list[tuple[bytes, bytes]]) -> HtmxDetails:
    if isinstance(headers, dict):
        return HtmxDetails.from_headers(Headers(headers=headers))
    return HtmxDetails.from_headers(Headers(raw=headers))


def test_not_htmx() -> None:
    hx = details({})
    assert hx == HtmxDetails()
    assert not hx
    assert not hx.wants_fragment


def test_every_header_is_read() -> None:
    hx = details(
        {
            "HX-Request": "true",
            "HX-Boosted": "true",
            "HX-Current-URL": "https://example.com/posts?page=2",
            "HX-History-Restore-Request": "true",
            "HX-Prompt": "yes, delete",
            "HX-Target": "rows",
            "HX-Trigger": "load-more",
            "HX-Trigger-Name": "page",
            "HX-Request-Type": "partial",
        }
    )
    assert hx.request
    assert hx.boosted
    assert hx.history_restore_request
    assert hx.current_url == "https://example.com/posts?page=2"
    assert hx.prompt == "yes, delete"
    assert hx.target == "rows"
    assert hx.trigger == "load-more"
    assert hx.trigger_name == "page"
    assert hx.request_type == "partial"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), (" true ", True), ("false", False), ("1", False), ("", False)],
)
def test_flags_are_exactly_true(value: str, expected: bool) -> None:
    assert details({"HX-Request": value, "HX-Boosted": value}).boosted is expected
    assert details({"HX-Request": value}).request is expected


@pytest.mark.parametrize(("value", "expected"), [("full", "full"), ("PARTIAL", "partial")])
def test_request_type(value: str, expected: str) -> None:
    assert details({"HX-Request-Type": value}).request_type == expected


@pytest.mark.parametrize("value", ["", "both", "partial;x", "\x7f"])
def test_unknown_request_type_is_none(value: str) -> None:
    assert details({"HX-Request-Type": value}).request_type is None


def test_uri_auto_encoded_prompt_is_decoded() -> None:
    answer = "Zoë 😀 ; x"
    hx = details(
        {
            "HX-Request": "true",
            "HX-Prompt": quote(answer, safe=""),
            "HX-Prompt-URI-AutoEncoded": "true",
            "HX-Trigger-Name": quote("naïve", safe=""),
            "HX-Trigger-Name-URI-AutoEncoded": "true",
        }
    )
    assert hx.prompt == answer
    assert hx.trigger_name == "naïve"


def test_plain_percent_text_is_not_decoded() -> None:
    assert details({"HX-Prompt": "100%25 sure"}).prompt == "100%25 sure"


def test_malformed_percent_encoding_does_not_raise() -> None:
    hx = details({"HX-Prompt": "%E0%A4%A", "HX-Prompt-URI-AutoEncoded": "true"})
    assert hx.prompt is not None


def test_raw_utf8_bytes_are_decoded_and_invalid_bytes_kept() -> None:
    utf8 = details([(b"hx-prompt", "Zoë".encode())])
    assert utf8.prompt == "Zoë"
    broken = details([(b"hx-prompt", b"\xff\xfe")])
    assert broken.prompt == "\xff\xfe"


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "true", "HX-Request-Type": "full"}, False),
        ({"HX-Boosted": "true"}, False),
    ],
)
def test_wants_fragment(headers: dict[str, str], fragment: bool) -> None:
    assert details(headers).wants_fragment is fragment


async def test_dependency(app: App) -> None:
    @app.get("/hx")
    async def endpoint(hx: Htmx) -> dict[str, object]:
        return {"request": hx.request, "target": hx.target, "fragment": hx.wants_fragment}

    plain = (await get(app, "/hx")).json()
    assert plain == {"request": False, "target": None, "fragment": False}
    swap = (await get(app, "/hx", headers={"HX-Request": "true", "HX-Target": "list"})).json()
    assert swap == {"request": True, "target": "list", "fragment": True}
