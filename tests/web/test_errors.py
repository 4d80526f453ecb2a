"""Error pages: HTML or problem JSON by content negotiation, htmx fragments, debug page."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from tests.web.conftest import AppFactory, client_for, write

from shipyard import App
from shipyard.core.problems import PROBLEM_JSON
from shipyard.web import HTTPProblem

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
API = {"Accept": "application/json"}
HTMX = {"HX-Request": "true", "Accept": "*/*"}
STATUSES = [400, 403, 404, 405, 413, 422, 429, 500]
TYPES = {  # stable problem types (shipyard.api.problems), under the default base URI
    400: "bad-request",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    422: "validation",
    429: "rate-limited",
    500: "server-error",
}


def add_routes(app: App) -> App:
    @app.get("/status/{code}")
    async def status(code: int) -> None:
        if code == 500:
            raise RuntimeError("secret database password=hunter2")
        if code == 422:
            raise HTTPException(422, "The name is taken")
        headers = {"Retry-After": "30"} if code == 429 else None
        raise StarletteHTTPException(code, headers=headers)

    @app.post("/only-post")
    async def only_post() -> dict[str, str]:
        return {}

    @app.get("/typed/{item_id}")
    async def typed(item_id: int, limit: int = 10) -> dict[str, int]:
        return {"item_id": item_id, "limit": limit}

    @app.get("/problem")
    async def problem() -> None:
        raise HTTPProblem(
            409,
            "Version conflict",
            "Reload and try again.",
            type="https://example.com/problems/conflict",
            extra={"current_version": 4, "status": 999},
            headers={"X-Extra": "1"},
        )

    return app


async def fetch(app: App, path: str, headers: dict[str, str]) -> httpx.Response:
    async with client_for(app, raise_errors=False) as http:
        return await http.get(path, headers=headers)


@pytest.fixture
def error_app(app: App) -> App:
    return add_routes(app)


@pytest.mark.parametrize("code", STATUSES)
async def test_every_status_as_problem_json(error_app: App, code: int) -> None:
    response = await fetch(error_app, f"/status/{code}", API)
    assert response.status_code == code
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == code
    assert problem["type"] == f"/problems/{TYPES[code]}"
    assert problem["instance"] == f"/status/{code}"
    assert problem["title"]
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("code", STATUSES)
async def test_every_status_as_html_page(error_app: App, code: int) -> None:
    response = await fetch(error_app, f"/status/{code}", BROWSER)
    assert response.status_code == code
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!doctype html>")
    assert f'data-status="{code}"' in response.text
    assert 'class="error-explanation"' in response.text
    assert "Accept" in response.headers["vary"]
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("code", STATUSES)
async def test_htmx_gets_a_fragment_without_layout(error_app: App, code: int) -> None:
    response = await fetch(error_app, f"/status/{code}", HTMX)
    assert response.status_code == code
    body = response.text.strip()
    assert body.startswith(f'<section class="error" role="alert" data-status="{code}">')
    assert "<html" not in body
    assert "HX-Request" in response.headers["vary"]


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/problem+json", False),
        ("text/html", True),
        ("text/html;q=0.5, application/json", False),
        ("text/html, application/json;q=0.9", True),
        ("text/html;q=0", False),
        ("text/html;q=bogus", False),
        ("text/*", True),
        (",,;;;q=", False),
    ],
)
async def test_content_negotiation(error_app: App, accept: str, html: bool) -> None:
    response = await fetch(error_app, "/status/404", {"Accept": accept})
    assert response.headers["content-type"].startswith("text/html") is html


async def test_detail_of_http_exception_is_shown(error_app: App) -> None:
    api = await fetch(error_app, "/status/422", API)
    assert api.json()["detail"] == "The name is taken"
    page = await fetch(error_app, "/status/422", BROWSER)
    assert '<p class="error-detail">The name is taken</p>' in page.text


async def test_unknown_route_is_404_without_default_detail(error_app: App) -> None:
    response = await fetch(error_app, "/nowhere", API)
    assert response.status_code == 404
    assert response.json() == {
        "type": "/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "instance": "/nowhere",
    }


async def test_405_keeps_allow_header(error_app: App) -> None:
    for headers in (API, BROWSER):
        response = await fetch(error_app, "/only-post", headers)
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"


async def test_429_keeps_retry_after(error_app: App) -> None:
    for headers in (API, BROWSER, HTMX):
        response = await fetch(error_app, "/status/429", headers)
        assert response.headers["retry-after"] == "30"


async def test_validation_error_lists_fields(error_app: App) -> None:
    response = await fetch(error_app, "/typed/abc?limit=x", API)
    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"] == "2 invalid fields"
    fields = {error["field"]: error for error in problem["errors"]}
    assert set(fields) == {"item_id", "limit"}
    assert fields["item_id"]["loc"] == ["path", "item_id"]
    assert fields["limit"]["type"] == "int_parsing"
    assert fields["limit"]["input"] == "x"  # echoed as FastAPI does (secrets withheld)
    page = await fetch(error_app, "/typed/abc?limit=x", BROWSER)
    assert "<strong>item_id</strong>" in page.text
    assert "<strong>limit</strong>" in page.text


async def test_validation_error_escapes_hostile_field_names(app: App) -> None:
    @app.get("/q")
    async def query(request: Request) -> None:
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(
            [{"loc": ("query", "<script>x</script>"), "msg": "<b>bad</b>", "type": "t"}]
        )

    page = await fetch(app, "/q", BROWSER)
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "<b>bad</b>" not in page.text


async def test_http_problem_members_and_headers(error_app: App) -> None:
    response = await fetch(error_app, "/problem", API)
    assert response.status_code == 409
    assert response.headers["x-extra"] == "1"
    assert response.json() == {
        "type": "https://example.com/problems/conflict",
        "title": "Version conflict",
        "status": 409,
        "instance": "/problem",
        "detail": "Reload and try again.",
        "current_version": 4,
    }
    page = await fetch(error_app, "/problem", BROWSER)
    assert "<h1>Version conflict</h1>" in page.text


async def test_app_overrides_an_error_template(error_app: App, templates: Path) -> None:
    write(templates / "errors/404.html", "custom {{ status }} {{ title }}")
    response = await fetch(error_app, "/status/404", BROWSER)
    assert response.text == "custom 404 Not Found"
    assert (await fetch(error_app, "/status/403", BROWSER)).text.startswith("<!doctype html>")


async def test_broken_error_template_falls_back_to_plain_html(
    error_app: App, templates: Path
) -> None:
    write(templates / "errors/404.html", "{{ undefined_function() }}")
    response = await fetch(error_app, "/status/404", BROWSER)
    assert response.status_code == 404
    assert response.text == "<h1>404 Not Found</h1><p></p>"


async def test_production_500_has_no_traceback_and_logs_request_id(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = add_routes(make_app(profile="production", debug=True))
    with caplog.at_level(logging.ERROR, logger="shipyard.web.errors"):
        page = await fetch(app, "/status/500", {**BROWSER, "X-Request-ID": "req-42"})
        api = await fetch(app, "/status/500", API)
    for response in (page, api):
        assert response.status_code == 500
        assert "hunter2" not in response.text
        assert "RuntimeError" not in response.text
        assert "Traceback" not in response.text
    assert "req-42" in page.text
    assert api.json()["request_id"] in caplog.text
    assert "[request_id=req-42]" in caplog.text
    assert "hunter2" in caplog.text


async def test_debug_page_only_in_development_with_debug(make_app: AppFactory) -> None:
    dev = add_routes(make_app(profile="development", debug=True))
    page = await fetch(dev, "/status/500", BROWSER)
    assert page.status_code == 500
    assert "Traceback" in page.text
    assert "RuntimeError: secret database password=hunter2" in page.text
    api = await fetch(dev, "/status/500", API)
    assert api.json()["traceback"]
    for profile, debug in [("development", False), ("test", True), ("staging", True)]:
        other = add_routes(make_app(profile=profile, debug=debug))
        response = await fetch(other, "/status/500", BROWSER)
        assert "Traceback" not in response.text, (profile, debug)
        assert "hunter2" not in response.text


async def test_hostile_request_id_is_replaced(error_app: App) -> None:
    response = await fetch(error_app, "/status/500", {**API, "X-Request-ID": "<script>"})
    assert response.json()["request_id"] != "<script>"
    assert len(response.json()["request_id"]) == 32
