"""The body-size limit, attacked in-process: every content type, chunked, lying, signed in.

The app is :mod:`tests.web.bodies.bodyapp` with ``web.max_body_size`` = 64 KiB; its
``app.state.handled`` lists the handlers that ran and ``app.state.streamed`` how many
bytes the raw endpoint was handed, so each refusal also proves the app never got the body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Mount, Route
from starlette.types import Message, Receive, Scope, Send
from tests.web.bodies.bodyapp import LIMIT, TINY_LIMIT, UPLOAD_LIMIT, routes

from shipyard import App, Settings
from shipyard.core.checks import run_checks
from shipyard.testing import ShipyardClient, UserFactory
from shipyard.web.body_limit import BodyLimitMiddleware, RouteBodyLimits

KiB = 1024
OVER = 4 * LIMIT
BOUNDARY = "bodylimit"


def json_body(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    body = b'{"a": "' + b"x" * (size - 9) + b'"}'
    assert len(body) == size
    return body


def urlencoded(size: int) -> bytes:
    return b"text=" + b"x" * (size - 5)


def multipart(size: int, name: str = "text", filename: str | None = None) -> bytes:
    """A multipart body of exactly ``size`` bytes with one part named ``name``."""
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head + b"x" * (size - len(head) - len(tail)) + tail


BODIES: dict[str, tuple[str, str, Callable[[int], bytes]]] = {
    "json": ("/json", "application/json", json_body),
    "urlencoded": ("/form", "application/x-www-form-urlencoded", urlencoded),
    "multipart": ("/form", f"multipart/form-data; boundary={BOUNDARY}", multipart),
    "text": ("/text", "text/plain", lambda size: b"x" * size),
}


async def chunked(body: bytes, size: int = 8 * KiB) -> AsyncIterator[bytes]:
    """``body`` as a stream: httpx sends it without Content-Length (chunked)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_too_large(response: httpx.Response, limit: int = LIMIT) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["connection"] == "close"
    problem = response.json()
    assert problem["type"].endswith("/payload-too-large")
    assert f"limit of {limit} bytes" in problem["detail"]


def handled(client: ShipyardClient) -> list[str]:
    result: list[str] = client.app.state.handled
    return result


def streamed(client: ShipyardClient) -> list[int]:
    result: list[int] = client.app.state.streamed
    return result


# -- hostile: oversized bodies of every type ------------------------------------------


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_an_oversized_body_of_any_type_is_refused_before_the_app_reads_it(
    client: ShipyardClient, kind: str, framing: str
) -> None:
    path, content_type, make = BODIES[kind]
    body = make(OVER)
    content: bytes | AsyncIterator[bytes] = body if framing == "content-length" else chunked(body)
    response = await client.post(path, content=content, headers={"content-type": content_type})
    assert_too_large(response)
    assert handled(client) == []


async def test_a_chunked_body_is_cut_off_at_the_limit(client: ShipyardClient) -> None:
    response = await client.post("/raw", content=chunked(b"x" * OVER))
    assert_too_large(response)
    assert len(streamed(client)) == 1
    assert streamed(client)[0] <= LIMIT  # the app was handed at most the limit


async def test_a_lying_content_length_does_not_let_a_bigger_body_through(
    client: ShipyardClient,
) -> None:
    for path in ("/raw", "/json"):
        response = await client.post(
            path,
            content=json_body(OVER),
            headers={"content-length": "100", "content-type": "application/json"},
        )
        assert_too_large(response)
    assert max(streamed(client)) <= LIMIT
    assert handled(client) == []


async def test_a_get_with_an_oversized_body_is_refused_too(client: ShipyardClient) -> None:
    response = await client.request("GET", "/raw", content=b"x" * OVER)
    assert_too_large(response)
    assert streamed(client) == []


@pytest.mark.parametrize("length", ["12abc", "-1", "1e9"])
async def test_a_content_length_that_is_not_a_number_is_400(
    client: ShipyardClient, length: str
) -> None:
    response = await client.post("/text", content=b"x" * 10, headers={"content-length": length})
    assert response.status_code == 400
    assert "Content-Length must be a number" in response.json()["detail"]
    assert handled(client) == []


async def test_a_huge_declared_length_is_refused_without_converting_it(
    client: ShipyardClient,
) -> None:
    response = await client.post("/text", content=b"x", headers={"content-length": "9" * 5000})
    assert_too_large(response)


@pytest.mark.parametrize("via", [None, "session", "jwt"])
async def test_the_limit_applies_before_authentication(
    client: ShipyardClient, db_session: AsyncSession, via: Any
) -> None:
    user = await UserFactory().create(db_session)
    sender = client if via is None else await client.as_user(user, via=via)
    big = await sender.post(
        "/private/json", content=json_body(OVER), headers={"content-type": "application/json"}
    )
    assert_too_large(big)
    fits = await sender.post(
        "/private/json", content=json_body(LIMIT), headers={"content-type": "application/json"}
    )
    assert fits.status_code == (401 if via is None else 200), fits.text
    assert handled(client) == ([] if via is None else ["private"])


async def test_a_signed_in_form_with_its_csrf_token_last_gets_413_not_403(
    client: ShipyardClient, db_session: AsyncSession
) -> None:
    user = await UserFactory().create(db_session)
    browser = await client.as_user(user, csrf=False)
    token = browser.csrf_token()
    body = urlencoded(OVER) + f"&csrf_token={token}".encode()
    response = await browser.post(
        "/form",
        content=chunked(body),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_too_large(response)
    assert handled(client) == []


# -- per-route limits ---------------------------------------------------------------------


async def test_an_upload_route_takes_a_bigger_body_and_only_that_route(
    client: ShipyardClient,
) -> None:
    upload = multipart(UPLOAD_LIMIT, name="file", filename="photo.jpg")
    content_type = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    accepted = await client.post("/upload", content=upload, headers=content_type)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["size"] > LIMIT
    chunked_upload = await client.post("/upload", content=chunked(upload), headers=content_type)
    assert chunked_upload.status_code == 200, chunked_upload.text
    elsewhere = await client.post("/form", content=upload, headers=content_type)
    assert_too_large(elsewhere)
    too_big = multipart(UPLOAD_LIMIT + 1, name="file", filename="photo.jpg")
    assert_too_large(
        await client.post("/upload", content=too_big, headers=content_type), UPLOAD_LIMIT
    )
    assert_too_large(
        await client.post("/upload", content=chunked(too_big), headers=content_type), UPLOAD_LIMIT
    )
    assert handled(client) == ["upload", "upload"]


async def test_a_router_can_lower_the_limit_for_its_routes(client: ShipyardClient) -> None:
    headers = {"content-type": "application/json"}
    small = await client.post("/tiny/note", content=json_body(TINY_LIMIT), headers=headers)
    assert small.status_code == 200, small.text
    big = await client.post("/tiny/note", content=json_body(TINY_LIMIT + 1), headers=headers)
    assert_too_large(big, TINY_LIMIT)
    assert (
        await client.post("/json", content=json_body(TINY_LIMIT + 1), headers=headers)
    ).is_success


# -- at the limit -------------------------------------------------------------------------


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_body_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not(
    client: ShipyardClient, framing: str
) -> None:
    def content(size: int) -> bytes | AsyncIterator[bytes]:
        return b"x" * size if framing == "content-length" else chunked(b"x" * size)

    at_limit = await client.post("/text", content=content(LIMIT))
    assert at_limit.status_code == 200
    assert at_limit.json() == {"length": LIMIT}
    assert_too_large(await client.post("/text", content=content(LIMIT + 1)))
    assert handled(client) == ["text"]


async def test_the_limit_follows_the_current_settings(
    client: ShipyardClient, override_settings: Callable[..., None]
) -> None:
    override_settings(web__max_body_size=LIMIT // 2)
    assert_too_large(await client.post("/text", content=b"x" * (LIMIT // 2 + 1)), LIMIT // 2)


# -- what clients get ---------------------------------------------------------------------


async def test_browsers_get_the_error_page(client: ShipyardClient) -> None:
    response = await client.post(
        "/form",
        content=urlencoded(OVER),
        headers={"content-type": "application/x-www-form-urlencoded", "accept": "text/html"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text
    assert "Content too large" in response.text
    assert f"limit of {LIMIT} bytes" in response.text


async def test_htmx_gets_the_error_fragment(client: ShipyardClient) -> None:
    response = await client.post(
        "/text", content=b"x" * OVER, headers={"accept": "text/html", "hx-request": "true"}
    )
    assert response.status_code == 413
    assert "<html" not in response.text
    assert "larger than this server accepts" in response.text


# -- what requests without a body pay -------------------------------------------------------


async def _inner(scope: Scope, receive: Receive, send: Send) -> None:
    scope["seen_receive"] = receive


async def _original_receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


@pytest.mark.parametrize(
    "scope",
    [
        {"type": "websocket", "path": "/ws", "headers": []},
        {"type": "http", "http_version": "1.1", "method": "GET", "path": "/", "headers": []},
        {"type": "http", "http_version": "1.1", "method": "HEAD", "path": "/", "headers": []},
    ],
)
async def test_websockets_and_requests_without_a_body_go_through_untouched(
    scope: dict[str, Any],
) -> None:
    middleware = BodyLimitMiddleware(_inner)

    async def send(message: Message) -> None:
        raise AssertionError("nothing is sent")

    await middleware(scope, _original_receive, send)
    assert scope["seen_receive"] is _original_receive  # not wrapped, no limit looked up


def test_only_routes_with_their_own_limit_are_compiled_inner_first() -> None:
    app = FastAPI()
    app.include_router(routes())
    inner = [Route("/big", _inner, methods=["PUT"], max_body_size=90 * KiB), Route("/x", _inner)]
    app.router.routes.append(Mount("/files", routes=inner, max_body_size=9 * KiB))
    limits = RouteBodyLimits()
    compiled = limits._compiled.entries(app.router.routes)
    assert [(pattern.pattern.pattern, limit) for pattern, limit in compiled] == [
        ("^/upload$", UPLOAD_LIMIT),
        ("^/files/big$", 90 * KiB),
        ("^/files/(?P<path>.*)$", 9 * KiB),
    ]


def test_each_request_gets_its_route_limit_else_the_setting(app: App) -> None:
    limits = RouteBodyLimits()
    assert limits.limit_for(app, "POST", "/upload") == UPLOAD_LIMIT
    assert limits.limit_for(app, "PUT", "/upload") == LIMIT  # a method the route does not answer
    assert limits.limit_for(app, "POST", "/tiny/note") == TINY_LIMIT
    assert limits.limit_for(app, "POST", "/json") == LIMIT
    assert limits.limit_for(app, "POST", "/nowhere") == LIMIT


async def test_fastapis_app_wide_limit_takes_the_place_of_the_setting(tmp_path: Path) -> None:
    app = App(settings=Settings(profile="test"), root=tmp_path, max_body_size=5 * KiB)
    app.state.handled = []
    app.include_router(routes())
    limits = RouteBodyLimits()
    assert limits.limit_for(app, "POST", "/json") == 5 * KiB
    assert limits.limit_for(app, "POST", "/upload") == UPLOAD_LIMIT
    async with ShipyardClient(app) as http:
        # The problem document of ours, not FastAPI's plain-text 413 from outside the stack.
        for content in (b"x" * (5 * KiB + 1), chunked(b"x" * (5 * KiB + 1))):
            assert_too_large(await http.post("/text", content=content), 5 * KiB)
        assert (await http.post("/text", content=b"x" * 5 * KiB)).is_success


@pytest.mark.parametrize(("size", "warned"), [(16 * KiB * KiB, False), (64 * KiB * KiB, True)])
def test_a_large_app_wide_limit_is_a_deploy_warning(
    tmp_path: Path, size: int, warned: bool
) -> None:
    app = App(settings=Settings(profile="test", web={"max_body_size": size}), root=tmp_path)
    finding = [f for f in run_checks(app, deploy=True) if f.id == "web.W001"]
    assert bool(finding) is warned
    assert not [f for f in run_checks(app, deploy=False) if f.id == "web.W001"]
    if warned:
        assert "64 MiB" in finding[0].message
        assert "upload routes" in finding[0].hint
