"""Forms inside a full Shipyard App: CSRF field, CSRF check, error pages, htmx config."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.testclient import TestClient

from shipyard import App, Settings
from shipyard.forms import FormResult, form_response
from shipyard.web.extension import HTMX_CONFIG

from .conftest import PostForm, PostFormDep, summary

LAYOUT_PAGE = """{% extends "layouts/base.html" %}
{% block content %}
<h1 id="page-title">New post</h1>
{% block form %}
{% import "forms/fields.html" as f with context %}
{% call f.form(action="/posts", form=form, hx_post="/posts", hx_swap="outerHTML") %}
{{ f.text("title", form=form) }}
{{ f.submit("Save") }}
{% endcall %}
{% endblock %}
{% endblock %}
"""


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = App(settings=Settings(), root=tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(LAYOUT_PAGE)
    app.add_template_dir(tmp_path / "templates")

    @app.get("/posts/new")
    async def new(request: Request) -> Response:
        return form_response(request, "page.html", {}, FormResult.blank(PostForm))

    @app.post("/posts")
    async def create(request: Request, form: PostFormDep) -> Response:
        if not form.is_valid:
            return form_response(request, "page.html", {}, form)
        return JSONResponse(summary(form.data))

    with TestClient(app, raise_server_exceptions=False) as http:
        yield http


def token_in(html: str) -> str:
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF field in {html}"
    return match.group(1)


def test_form_carries_csrf_field_and_round_trips(client: TestClient) -> None:
    page = client.get("/posts/new")
    assert page.status_code == 200
    assert '<meta name="htmx-config"' in page.text
    assert "hx-headers=" in page.text
    token = token_in(page.text)

    invalid = client.post("/posts", data={"title": "ab", "csrf_token": token})
    assert invalid.status_code == 422
    assert 'value="ab"' in invalid.text
    token_in(invalid.text)

    fragment = client.post(
        "/posts", data={"title": "ab", "csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 422
    assert fragment.text.strip().startswith("<form")
    assert fragment.text.strip().endswith("</form>")
    token_in(fragment.text)

    valid = client.post("/posts", data={"title": "Hello", "csrf_token": token})
    assert valid.status_code == 200, valid.text
    assert valid.json()["title"] == "Hello"


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/posts/new")
    response = client.post("/posts", data={"title": "Hello"})
    assert response.status_code == 403


def test_wrong_content_type_goes_through_the_error_pages(client: TestClient) -> None:
    token = token_in(client.get("/posts/new").text)
    response = client.post(
        "/posts",
        content=b'{"title": "Hello"}',
        headers={"content-type": "application/json", "X-CSRF-Token": token},
    )
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "expects a form" in response.json()["detail"]


def test_htmx_config_swaps_422_in_place() -> None:
    rules = HTMX_CONFIG["responseHandling"]
    first_match = next(rule for rule in rules if re.fullmatch(rule["code"], "422"))
    assert first_match["swap"] is True
    assert not first_match.get("error")
    assert "target" not in first_match
