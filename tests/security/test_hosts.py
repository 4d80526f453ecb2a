"""Allowed hosts: forged, malformed and missing ``Host`` headers are refused before anything runs.

Hostile cases first: unknown hosts, look-alike names, a forwarded header trying to launder
a bad host, a missing header, a WebSocket, DNS rebinding against a development server, and
a forged ``Host``/``Origin`` pair against the CSRF check.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Request, WebSocket
from starlette.testclient import TestClient
from starlette.types import Message
from starlette.websockets import WebSocketDisconnect
from tests.security.conftest import AppFactory, Recorder, SpyBackend

from shipyard import App
from shipyard.config import override_settings
from shipyard.security.hosts import CACHED_HOSTS, HostMatcher, request_host

SHOP = "https://shop.example"
PRODUCTION = {"secret_key": "k" * 40, "base_url": SHOP}


@pytest.fixture
def seen() -> list[str]:
    """The paths that reached the innermost layer (see :class:`Recorder`)."""
    return []


def extra_routes(app: App, seen: list[str]) -> App:
    router = APIRouter()

    @router.get("/where")
    async def where(request: Request) -> dict[str, str]:
        return {"url_for": str(request.url_for("where")), "host": request.url.hostname or ""}

    @router.websocket("/ws")
    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    app.include_router(router)
    app.use_middleware("csrf", Recorder, placement="after", seen=seen)
    return app


@pytest.fixture
def shop(make_app: AppFactory, spy: SpyBackend, seen: list[str]) -> App:
    """A production app for shop.example, a corporate domain, an IPv4 and an IPv6 address."""
    hosts = ["shop.example", ".corp.example", "10.0.0.5", "2001:DB8::1"]
    return extra_routes(
        make_app(spy, profile="production", app={**PRODUCTION, "allowed_hosts": hosts}), seen
    )


async def status(app: App, host: str, path: str = "/where", **headers: str) -> int:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=SHOP) as client:
        response = await client.get(path, headers={"Host": host, **headers})
    return response.status_code


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "shop.example.evil.example",
        "evilshop.example",
        "www.shop.example",  # an exact name does not cover subdomains
        "notcorp.example",
        "corp.example.evil.example",
        "10.0.0.6",
        "[2001:db8::2]",
        "shop.example/x",
        "shop.example@evil.example",
        "evil.example#shop.example",
        "shop.example:",
        "shop.example:port",
        "shop.example:123456",
        "shop example",
        "[::1",
        "[not:hex]",
        "",
        "localhost",  # not in production unless listed
        "testserver",
    ],
)
async def test_production_refuses_hosts_it_does_not_serve(
    shop: App, spy: SpyBackend, seen: list[str], host: str
) -> None:
    assert await status(shop, host) == 400
    assert seen == []
    assert spy.calls == []  # not even the session was looked at


@pytest.mark.parametrize(
    "host",
    [
        "shop.example",
        "SHOP.Example",
        "shop.example.",
        "shop.example:8443",
        "corp.example",
        "intranet.corp.example",
        "a.b.corp.example:80",
        "10.0.0.5",
        "10.0.0.5:8000",
        "[2001:db8::1]",
        "[2001:0db8:0:0:0:0:0:1]:443",
    ],
)
async def test_production_serves_the_allowed_hosts_on_any_port(
    shop: App, seen: list[str], host: str
) -> None:
    assert await status(shop, host) == 200
    assert seen == ["/where"]


async def test_refusal_is_a_problem_for_apis_and_the_error_page_for_browsers(
    shop: App, seen: list[str]
) -> None:
    transport = httpx.ASGITransport(app=shop)
    async with httpx.AsyncClient(transport=transport, base_url=SHOP) as client:
        api = await client.post("/submit", headers={"Host": "evil.example"}, json={"a": 1})
        page = await client.get("/where", headers={"Host": "evil.example", "Accept": "text/html"})
    assert api.status_code == 400
    assert api.headers["content-type"] == "application/problem+json"
    problem = api.json()
    assert (problem["status"], problem["title"]) == (400, "Unknown host")
    assert "app.allowed_hosts" in problem["detail"]
    assert "evil.example" not in api.text
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "Unknown host" in page.text
    assert "content-security-policy" in page.headers  # the headers layer is outside
    assert seen == []


async def raw_request(app: App, headers: list[tuple[bytes, bytes]]) -> int:
    """Call the app's ASGI interface directly (httpx always sends a Host header)."""
    sent: list[Message] = []
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.0",
        "method": "GET",
        "scheme": "https",
        "path": "/where",
        "raw_path": b"/where",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("203.0.113.9", 40000),
        "server": ("10.0.0.5", 443),
        "state": {},
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    return int(start["status"])


async def test_a_request_without_a_host_header_is_refused(shop: App, seen: list[str]) -> None:
    async with shop.router.lifespan_context(shop):
        assert await raw_request(shop, []) == 400
        assert await raw_request(shop, [(b"host", b"shop.example")]) == 200
        # only the first Host counts: a second one cannot smuggle a name in or out
        doubled = [(b"host", b"evil.example"), (b"host", b"shop.example")]
        assert await raw_request(shop, doubled) == 400
    assert seen == ["/where"]


async def test_x_forwarded_host_is_never_trusted(shop: App) -> None:
    forged = {"X-Forwarded-Host": "shop.example", "Forwarded": "host=shop.example"}
    assert await status(shop, "evil.example", **forged) == 400
    transport = httpx.ASGITransport(app=shop, client=("127.0.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url=SHOP) as client:
        response = await client.get(
            "/where", headers={"Host": "shop.example", "X-Forwarded-Host": "evil.example"}
        )
    assert response.json() == {"url_for": f"{SHOP}/where", "host": "shop.example"}


def test_a_websocket_for_an_unknown_host_is_closed_before_it_opens(
    shop: App, seen: list[str]
) -> None:
    with TestClient(shop, base_url=SHOP) as client:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect("/ws", headers={"Host": "evil.example"}),
        ):
            pass
        assert refused.value.code == 1008
        with client.websocket_connect("/ws", headers={"Host": "shop.example"}) as socket:
            assert socket.receive_text() == "hello"
    assert seen == ["/ws"]


@pytest.mark.parametrize("profile", ["development", "test"])
async def test_outside_production_local_names_are_served_and_rebinding_is_not(
    make_app: AppFactory, spy: SpyBackend, seen: list[str], profile: str
) -> None:
    app = extra_routes(make_app(spy, profile=profile), seen)
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "testserver", "test"):
        assert await status(app, host) == 200, host
    for host in ("app.localhost", "api.test"):
        assert await status(app, host) == 200, host
    # DNS rebinding: an attacker's name resolving to the developer's machine
    for host in ("evil.example", "localhost.evil.example", "127.0.0.1.nip.io"):
        assert await status(app, host) == 400, host


async def test_a_star_serves_any_host(
    make_app: AppFactory, spy: SpyBackend, seen: list[str]
) -> None:
    app = extra_routes(make_app(spy, app={"allowed_hosts": ["*"]}), seen)
    assert await status(app, "anything.example:1234") == 200


async def test_without_allowed_hosts_production_serves_the_base_url_host_only(
    make_app: AppFactory, spy: SpyBackend, seen: list[str]
) -> None:
    app = extra_routes(make_app(spy, profile="production", app=PRODUCTION), seen)
    assert await status(app, "shop.example") == 200
    assert await status(app, "www.shop.example") == 400
    bare = extra_routes(make_app(spy, profile="production", app={"secret_key": "k" * 40}), seen)
    assert await status(bare, "shop.example") == 400  # nothing configured: nothing served


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Example.COM:8000", "example.com"),
        ("example.com.", "example.com"),
        ("[::1]:8000", "[::1]"),
        ("[0:0:0:0:0:0:0:1]", "[::1]"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("bücher.example", None),
        ("example.com:", None),
        ("user@example.com", None),
        ("[::1", None),
        ("[::g]", None),
        ("", None),
    ],
)
def test_request_host_parses_like_django(header: str, expected: str | None) -> None:
    assert request_host(header) == expected


# -- the CSRF Origin check no longer takes the Host header's word --------------------------


def test_a_forged_host_and_origin_pair_fails_the_csrf_check(
    make_app: AppFactory, spy: SpyBackend
) -> None:
    app = make_app(spy, app={"allowed_hosts": ["*"], "base_url": SHOP})
    with TestClient(app) as client:
        token = client.get("/token").text
        forged = {"Host": "evil.example", "Origin": "http://evil.example", "X-CSRF-Token": token}
        refused = client.post("/submit", headers=forged)
        assert refused.status_code == 403
        assert "Cross-site request refused" in refused.text
        # the canonical origin is accepted whatever the Host; the own origin of a named host too
        canonical = {"Host": "shop.example", "Origin": SHOP, "X-CSRF-Token": token}
        assert client.post("/submit", headers=canonical).status_code == 200
        own = {"Origin": "http://testserver", "X-CSRF-Token": token}
        assert client.post("/submit", headers=own).status_code == 200


def test_without_cookies_a_forged_pair_is_refused_too(
    make_app: AppFactory, spy: SpyBackend
) -> None:
    app = make_app(spy, app={"allowed_hosts": ["*"]})
    with TestClient(app) as client:
        forged = {"Host": "evil.example", "Origin": "http://evil.example"}
        assert client.post("/submit", headers=forged).status_code == 403
        assert client.post("/submit", headers={"Origin": "http://testserver"}).status_code == 200


def test_a_flood_of_made_up_hosts_cannot_grow_the_matcher(shop: App) -> None:
    matcher = HostMatcher.from_settings(shop.settings)
    for number in range(CACHED_HOSTS * 4):
        assert not matcher.allows(f"flood-{number}.evil.example")
    assert len(matcher._named) == CACHED_HOSTS
    assert matcher.allows("shop.example:8443")  # not remembered, still answered right
    assert not matcher.allows("flood-1.evil.example")


async def test_changed_settings_take_effect_without_a_restart(shop: App) -> None:
    assert await status(shop, "new.example") == 400
    with override_settings(shop, app__allowed_hosts=["new.example"]):
        assert await status(shop, "new.example") == 200
        assert await status(shop, "shop.example") == 400
    assert await status(shop, "shop.example") == 200


async def test_probes_and_the_scrape_answer_any_host_and_nothing_else_does(
    make_app: AppFactory, spy: SpyBackend
) -> None:
    """Kubelet, a container HEALTHCHECK and Prometheus address the process by its IP."""
    app = make_app(spy, profile="production", app=PRODUCTION)
    for host in ("10.1.2.3:8000", "127.0.0.1:8000"):
        assert await status(app, host, "/up") == 200
        assert await status(app, host, "/metrics") == 404  # the token is still needed
        assert await status(app, host, "/where") == 400
        assert await status(app, host, "/up/") == 400  # the exact paths only
    quiet = make_app(spy, profile="production", app=PRODUCTION, health={"enabled": False})
    assert await status(quiet, "10.1.2.3", "/up") == 400
