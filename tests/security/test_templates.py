"""The template globals through the web layer's render(): a real layout page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.testclient import TestClient
from tests.security.conftest import ClientFactory, SpyBackend

from shipyard.security import SessionDep, flash
from shipyard.web.render import render

PAGE = """{% extends "layouts/base.html" %}
{% block content %}<form method="post">{{ csrf_field() }}</form>
<style nonce="{{ csp_nonce() }}"></style>{% endblock %}"""


@pytest.fixture
def page_client(make_client: ClientFactory, spy: SpyBackend, tmp_path: Path) -> TestClient:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(PAGE)
    client = make_client(spy, security={"csp_preset": "strict"})
    app = client.app
    app.add_template_dir(tmp_path / "templates", override=True)  # type: ignore[attr-defined]
    router = APIRouter()

    @router.get("/loaded-page", response_class=HTMLResponse)
    async def loaded_page(request: Request, session: SessionDep) -> HTMLResponse:
        return render(request, "page.html")

    @router.get("/lazy-page", response_class=HTMLResponse)
    async def lazy_page(request: Request) -> HTMLResponse:
        return render(request, "page.html")

    @router.post("/note")
    async def note(request: Request, session: SessionDep) -> dict[str, bool]:
        flash(request, "Noted & filed", "success")
        return {"ok": True}

    app.include_router(router)  # type: ignore[attr-defined]
    return client


def test_layout_page_tokens_and_nonce(page_client: TestClient) -> None:
    response = page_client.get("/loaded-page")
    assert response.status_code == 200
    hx_headers = re.search(r"hx-headers='([^']+)'", response.text)
    assert hx_headers is not None
    token = json.loads(hx_headers.group(1))["X-CSRF-Token"]
    field = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert field is not None
    assert field.group(1) != token  # masked differently on each use
    nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
    assert nonce is not None
    assert response.text.count(f'nonce="{nonce.group(1)}"') >= 2  # htmx script + style
    for sent in (token, field.group(1)):
        assert page_client.post("/note", headers={"X-CSRF-Token": sent}).status_code == 200


def test_flash_appears_on_the_next_loaded_page_once(page_client: TestClient) -> None:
    token = page_client.get("/token").text
    page_client.post("/note", headers={"X-CSRF-Token": token})
    assert "Noted &amp; filed" in page_client.get("/loaded-page").text
    assert "Noted" not in page_client.get("/loaded-page").text


def test_lazy_page_does_not_read_the_store_nor_eat_flashes(
    page_client: TestClient, spy: SpyBackend
) -> None:
    token = page_client.get("/token").text
    page_client.post("/note", headers={"X-CSRF-Token": token})
    spy.calls.clear()
    lazy = page_client.get("/lazy-page")
    assert lazy.status_code == 200
    assert "Noted" not in lazy.text
    assert spy.count("load") == 0
    assert "Noted" in page_client.get("/loaded-page").text
