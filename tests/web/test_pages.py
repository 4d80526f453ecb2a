"""PageRouter: pages see the session (flash messages) without asking for it."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from tests.web.conftest import AppFactory, write

from shipyard import App
from shipyard.security import flash
from shipyard.web import PageRouter, render

pages = PageRouter()
plain = APIRouter()


@pages.get("/remember")
async def remember(request: Request) -> RedirectResponse:
    flash(request, "Saved <b>safely</b>", "success")
    return RedirectResponse("/", status_code=303)


@pages.get("/")
async def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")


@plain.get("/plain")
async def plain_page(request: Request) -> HTMLResponse:
    return render(request, "home.html")


def build(make_app: AppFactory, tmp_path: Path) -> App:
    write(
        tmp_path / "templates" / "home.html",
        '{% extends "layouts/base.html" %}{% block content %}<p>home</p>{% endblock %}',
    )
    app = make_app()
    app.include_router(pages)
    app.include_router(plain)
    return app


async def test_flash_set_on_one_page_shows_once_on_the_next(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = build(make_app, tmp_path)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            shown = await client.get("/remember", follow_redirects=True)
            assert "Saved &lt;b&gt;safely&lt;/b&gt;" in shown.text
            again = await client.get("/")
            assert "Saved" not in again.text


async def test_a_plain_router_page_leaves_messages_queued(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = build(make_app, tmp_path)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.get("/remember")
            assert "Saved" not in (await client.get("/plain")).text
            assert "Saved" in (await client.get("/")).text


def test_pages_stay_out_of_the_api_schema(make_app: AppFactory, tmp_path: Path) -> None:
    schema = build(make_app, tmp_path).openapi()
    assert "/" not in schema["paths"]
    assert "/plain" in schema["paths"]
