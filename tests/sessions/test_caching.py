"""Responses that depend on the session are kept out of caches; the others are left alone.

Real sessions in the app's SQLite database, through the whole middleware stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.testclient import TestClient
from tests.db.settings import sqlite_settings

from shipyard import App, PageRouter, Settings
from shipyard.security import SessionDep, clear_session, csrf_field, csrf_token
from shipyard.sessions.caching import mark_response
from shipyard.testing.schema import create_app_schema

COOKIE = "shipyard_session"
ClientFactory = Callable[..., TestClient]


def routes() -> list[APIRouter]:
    api = APIRouter()
    pages = PageRouter()

    @api.get("/plain")
    async def plain() -> dict[str, bool]:
        return {"ok": True}

    @api.post("/sign-in")
    async def sign_in(session: SessionDep) -> dict[str, bool]:
        session["email"] = "ada@example.com"
        return {"ok": True}

    @api.get("/peek")
    async def peek(session: SessionDep) -> dict[str, Any]:
        return dict(session)

    @api.get("/token", response_class=PlainTextResponse)
    async def token(request: Request) -> str:
        return csrf_token(request)

    @api.get("/own")
    async def own(session: SessionDep) -> JSONResponse:
        headers = {"Cache-Control": "private, max-age=60", "Vary": "Accept"}
        return JSONResponse(dict(session), headers=headers)

    @api.get("/vary-star")
    async def vary_star(session: SessionDep) -> JSONResponse:
        return JSONResponse(dict(session), headers={"Vary": "*"})

    @api.post("/sign-out")
    async def sign_out(request: Request) -> dict[str, bool]:
        clear_session(request)
        return {"ok": True}

    @pages.get("/account")
    async def account(request: Request, session: SessionDep) -> str:
        email = session.get("email", "nobody")
        return f"<p>{email}</p><form method=post>{csrf_field(request)}</form>"

    @pages.get("/about")
    async def about() -> str:
        return "<p>About us</p>"

    return [api, pages]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[ClientFactory]:
    with ExitStack() as opened:

        def factory(**sessions: Any) -> TestClient:
            settings = sqlite_settings(tmp_path / "caching.db", sessions=sessions)
            app = App(settings=settings, root=tmp_path)
            app.on_startup(create_app_schema)
            for router in routes():
                app.include_router(router)
            return opened.enter_context(TestClient(app, raise_server_exceptions=False))

        yield factory


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    response = client.post("/sign-in")
    assert response.status_code == 200
    assert client.cookies.get(COOKIE)
    return client


def vary(response: Any) -> list[str]:
    return [token.strip() for token in response.headers.get("vary", "").split(",") if token]


def test_a_signed_in_page_is_no_store_and_varies_on_the_cookie(signed_in: TestClient) -> None:
    response = signed_in.get("/account")
    assert "ada@example.com" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "Cookie" in vary(response)


def test_the_sign_in_response_itself_is_no_store(client: TestClient) -> None:
    response = client.post("/sign-in")
    assert "set-cookie" in response.headers
    assert response.headers["cache-control"] == "no-store"
    assert vary(response) == ["Cookie"]


def test_a_page_carrying_a_fresh_csrf_token_is_no_store(client: TestClient) -> None:
    response = client.get("/token")  # no cookie: the token allocates the session id
    assert "set-cookie" in response.headers
    assert response.headers["cache-control"] == "no-store"
    assert vary(response) == ["Cookie"]


def test_reading_a_live_session_is_no_store(signed_in: TestClient) -> None:
    response = signed_in.get("/peek")
    assert response.json() == {"email": "ada@example.com"}
    assert response.headers["cache-control"] == "no-store"
    assert vary(response) == ["Cookie"]


def test_sign_out_is_no_store(signed_in: TestClient) -> None:
    token = signed_in.get("/token").text
    response = signed_in.post("/sign-out", headers={"X-CSRF-Token": token})
    assert 'shipyard_session=""' in response.headers["set-cookie"]
    assert response.headers["cache-control"] == "no-store"


def test_a_route_that_never_touches_the_session_stays_cacheable(signed_in: TestClient) -> None:
    for path in ("/plain", "/about"):  # a session cookie is sent, the route never looks
        response = signed_in.get(path)
        assert response.status_code == 200
        assert "cache-control" not in response.headers
        assert "Cookie" not in vary(response)


def test_an_anonymous_look_varies_on_the_cookie_but_stays_cacheable(client: TestClient) -> None:
    response = client.get("/peek")
    assert response.json() == {}
    assert "set-cookie" not in response.headers
    assert "cache-control" not in response.headers
    # A cache keeps the anonymous answer for anonymous visitors only.
    assert vary(response) == ["Cookie"]


def test_a_forged_cookie_gets_the_anonymous_answer(signed_in: TestClient) -> None:
    value = signed_in.cookies[COOKIE]
    signed_in.cookies.set(COOKIE, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    response = signed_in.get("/peek")
    assert response.json() == {}
    assert "cache-control" not in response.headers
    assert vary(response) == ["Cookie"]


def test_the_responses_own_cache_control_wins_and_vary_is_merged(signed_in: TestClient) -> None:
    response = signed_in.get("/own")
    assert response.headers["cache-control"] == "private, max-age=60"
    assert response.headers.get_list("vary") == ["Accept, Cookie"]


def test_vary_star_is_left_alone(signed_in: TestClient) -> None:
    response = signed_in.get("/vary-star")
    assert response.headers.get_list("vary") == ["*"]
    assert response.headers["cache-control"] == "no-store"


def test_several_vary_headers_become_one_where_the_first_was() -> None:
    message: dict[str, Any] = {
        "type": "http.response.start",
        "headers": [
            (b"Vary", b"Accept"),
            (b"content-type", b"text/html"),
            (b"vary", b"Accept-Language, , cookie"),
        ],
    }
    mark_response(message, "no-store", ["Cookie", "Authorization"])
    assert message["headers"] == [
        (b"vary", b"Accept, Accept-Language, cookie, Authorization"),
        (b"content-type", b"text/html"),
        (b"cache-control", b"no-store"),
    ]


def test_a_response_with_nothing_missing_keeps_its_headers() -> None:
    own = [(b"Cache-Control", b"public"), (b"Vary", b"Cookie")]
    message: dict[str, Any] = {"type": "http.response.start", "headers": list(own)}
    mark_response(message, "no-store", ["Cookie"])
    assert message["headers"] == own


def test_head_of_a_signed_in_page_has_the_same_caching_headers(signed_in: TestClient) -> None:
    got, head = signed_in.get("/account"), signed_in.head("/account")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["cache-control"] == got.headers["cache-control"] == "no-store"
    assert vary(head) == vary(got)


def test_the_value_is_a_setting(make_client: ClientFactory) -> None:
    client = make_client(private_cache_control="private, no-cache")
    client.post("/sign-in")
    response = client.get("/account")
    assert response.headers["cache-control"] == "private, no-cache"
    assert "Cookie" in vary(response)


def test_null_turns_it_off(make_client: ClientFactory) -> None:
    client = make_client(private_cache_control=None)
    client.post("/sign-in")
    response = client.get("/account")
    assert "ada@example.com" in response.text
    assert "cache-control" not in response.headers
    assert "Cookie" not in vary(response)


def test_an_empty_value_is_refused() -> None:
    with pytest.raises(ValueError, match="private_cache_control"):
        Settings.model_validate({"profile": "test", "sessions": {"private_cache_control": ""}})
