"""The ``pages`` apps serve the same page, with a CSRF token and a session kept by cookie.

Each app is driven in-process through httpx's ASGI transport (Django through its ASGI
handler, and through its WSGI handler as gunicorn serves it), the way the runner drives
the server: a first visit, then its cookies sent back
by hand. Nothing is timed.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from benchmarks.django_page import django_wsgi_app
from benchmarks.page_data import CSRF_INPUT, PATH, SCRATCH_ENV, VISIT, page_problem
from benchmarks.probes import cookie_header, json_problem, session_problem
from fastapi import FastAPI

from benchmarks import pages
from shipyard.testing.services import require_port

FACTORY_PARAMS = [
    pytest.param(name, marks=[pytest.mark.redis] if "redis" in name else [], id=name)
    for name in pages.FACTORIES
]


@contextlib.asynccontextmanager
async def client_for(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the named app, started (lifespan) when it is a FastAPI app."""
    if "redis" in name:
        require_port("Redis", "127.0.0.1", 6379)
    monkeypatch.setenv(SCRATCH_ENV, str(tmp_path))
    app: Any = pages.FACTORIES[name]()
    started = (
        app.router.lifespan_context(app) if isinstance(app, FastAPI) else contextlib.nullcontext()
    )
    async with started:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


async def visit_twice(client: httpx.AsyncClient) -> tuple[httpx.Response, httpx.Response]:
    first = await client.get(PATH)
    client.cookies.clear()  # send exactly what the runner sends to wrk
    second = await client.get(PATH, headers={"Cookie": cookie_header(first)})
    return first, second


@pytest.mark.parametrize("name", FACTORY_PARAMS)
async def test_page_has_a_csrf_token_and_keeps_the_session(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with client_for(name, tmp_path, monkeypatch) as client:
        first, second = await visit_twice(client)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/html")
    assert page_problem(first.status_code, first.text) is None
    token = CSRF_INPUT.search(first.text)
    assert token is not None
    assert len(token.group(1)) >= 32
    assert cookie_header(first), "the first visit must open a session"
    assert VISIT.findall(first.text) == ["1"]
    assert VISIT.findall(second.text) == ["2"]
    assert session_problem(second) is None


@pytest.mark.parametrize("name", FACTORY_PARAMS)
async def test_a_forged_session_cookie_starts_a_new_session(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = "shipyard_session=forged.x.y; session=forged.x.y; sessionid=forged"
    async with client_for(name, tmp_path, monkeypatch) as client:
        response = await client.get(PATH, headers={"Cookie": forged})
    assert response.status_code == 200
    assert VISIT.findall(response.text) == ["1"]


def test_django_wsgi_page_has_a_csrf_token_and_keeps_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app gunicorn serves: the same page through Django's WSGI handler."""
    monkeypatch.setenv(SCRATCH_ENV, str(tmp_path))
    transport = httpx.WSGITransport(app=django_wsgi_app())
    with httpx.Client(transport=transport, base_url="http://127.0.0.1") as client:
        first = client.get(PATH)
        client.cookies.clear()  # send exactly what the runner sends to wrk
        second = client.get(PATH, headers={"Cookie": cookie_header(first)})
        forged = client.get(PATH, headers={"Cookie": "sessionid=forged"})
    assert page_problem(first.status_code, first.text) is None
    token = CSRF_INPUT.search(first.text)
    assert token is not None
    assert "sessionid=" in cookie_header(first)
    assert VISIT.findall(first.text) == ["1"]
    assert session_problem(second) is None
    assert VISIT.findall(second.text) == ["2"]
    assert VISIT.findall(forged.text) == ["1"]


async def test_pages_are_the_same_size_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: dict[str, int] = {}
    for name in ("fastapi", "shipyard", "django"):
        async with client_for(name, tmp_path / name, monkeypatch) as client:
            sizes[name] = len((await client.get(PATH)).content)
    assert max(sizes.values()) < 1.5 * min(sizes.values()), sizes


def response(status: int, text: str, cookies: list[str] | None = None) -> httpx.Response:
    headers = [("set-cookie", cookie) for cookie in cookies or []]
    return httpx.Response(status, text=text, headers=headers)


@pytest.mark.parametrize(
    ("cookies", "expected"),
    [
        ([], ""),
        (["a=1; Path=/; HttpOnly", "b=2=3; Secure"], "a=1; b=2=3"),
        (["garbage-without-pair", " c = 4 ;Max-Age=1"], "c = 4"),
    ],
)
def test_cookie_header_keeps_name_value_pairs_only(cookies: list[str], expected: str) -> None:
    assert cookie_header(response(200, "", cookies)) == expected


@pytest.mark.parametrize(
    ("status", "text", "reason"),
    [
        (500, "boom", "status 500"),
        (200, "<html>no form</html>", "CSRF"),
        (200, '<input type="hidden" name="csrf_token" value="' + "t" * 40 + '">', "visit"),
    ],
)
def test_page_problem_names_what_is_missing(status: int, text: str, reason: str) -> None:
    problem = page_problem(status, text)
    assert problem is not None
    assert reason in problem


def page(visit: int) -> str:
    token = '<input type="hidden" name="csrf_token" value="' + "t" * 40 + '">'
    return token + f"This is visit {visit}." + "<tr>" * 21


def test_session_problem_refuses_a_first_visit() -> None:
    assert session_problem(response(200, page(3))) is None
    problem = session_problem(response(200, page(1)))
    assert problem is not None
    assert "not honoured" in problem


@pytest.mark.parametrize("body", ["not json", '{"message": "other"}'])
def test_json_probe_refuses_other_bodies(body: str) -> None:
    problem = json_problem(response(200, body))
    assert problem is not None
    assert "not the benchmark payload" in problem
