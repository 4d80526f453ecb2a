"""The cookbook page: every operation with its snippets, strict-CSP clean, offline assets."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from tests.api.cookbook.runners import node_check

from shipyard import App, Settings
from shipyard.api.cookbook import CookbookExtension, read_document
from shipyard.api.cookbook.snippets import curl, fetch, httpx_snippet
from shipyard.api.versioning import VersionedRouter, versions
from shipyard.config.models import ApiSettings, AppSettings
from shipyard.errors import ShipyardError

HOSTILE = "<script>alert('x')</script> \"quoted\" $(id)"
JS_FILE = Path(__file__).resolve().parents[3] / "src/shipyard/static/shipyard/cookbook/cookbook.js"


class Post(BaseModel):
    title: str
    body: str


def build_app(*extensions: CookbookExtension) -> App:
    settings = Settings(
        profile="production",
        app=AppSettings(name="Blog", secret_key="k" * 48, allowed_hosts=["testserver"]),
    )
    app = App(settings=settings, extensions=extensions)

    @app.get("/posts/{post_id}", tags=["posts"], description=HOSTILE)
    async def read_post(post_id: int, q: str | None = None) -> Post:
        return Post(title="t", body="b")

    @app.post("/posts", tags=["posts"])
    async def create_post(post: Post, token: str = Security(HTTPBearer())) -> Post:
        return post

    @app.delete("/posts/{post_id}")
    async def delete_post(post_id: int) -> None:
        return None

    return app


async def fetch_page(app: App, path: str = "/api/cookbook", **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, **kwargs)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


class Audit(HTMLParser):
    """Collects what matters for the CSP and offline checks."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self.styled: list[str] = []
        self.inline_script_text = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
            self._in_script = True
        if tag == "style":
            self.styled.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name == "style":
                self.styled.append(tag)
            if name in {"src", "href", "action", "formaction"} and value is not None:
                self.urls.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_script_text += data


async def test_page_shows_every_operation_with_its_snippets() -> None:
    app = build_app(CookbookExtension())
    response = await fetch_page(app)
    assert response.status_code == 200
    text = html.unescape(response.text)
    document = read_document(app.openapi())
    assert len(document.operations) == 3
    for operation in document.operations:
        assert f'id="{operation.anchor}"' in response.text
        example = operation.example("http://testserver")
        for snippet in (curl(example), httpx_snippet(example), fetch(example)):
            assert snippet in text
    assert "Bearer YOUR_ACCESS_TOKEN" in response.text
    assert "Hello world" in response.text  # realistic example values in the try-it body
    assert HOSTILE not in response.text
    assert HOSTILE in text


async def test_page_is_strict_csp_clean_and_offline() -> None:
    response = await fetch_page(build_app(CookbookExtension()))
    csp = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert "unsafe-inline" not in csp
    audit = Audit()
    audit.feed(response.text)
    assert audit.scripts, "the page loads its script"
    assert all(script.get("nonce") == nonce.group(1) for script in audit.scripts)
    assert all(
        (script.get("src") or "").startswith("/_shipyard/static/") for script in audit.scripts
    )
    assert audit.inline_script_text.strip() == ""
    assert audit.handlers == []
    assert audit.styled == []
    external = [
        url
        for url in audit.urls
        if not (url.startswith("/") or url.startswith("#")) or url.startswith("//")
    ]
    assert external == []
    assert any("cookbook.js" in url for url in audit.urls)
    assert any("cookbook.css" in url for url in audit.urls)


async def test_script_and_stylesheet_are_served_from_static() -> None:
    app = build_app(CookbookExtension())
    page = (await fetch_page(app)).text
    for name, kind in (("cookbook.js", "javascript"), ("cookbook.css", "text/css")):
        match = re.search(
            rf'"(/_shipyard/static/shipyard/cookbook/{re.escape(name)}\?v=[0-9a-f]+)"', page
        )
        assert match is not None, name
        asset = await fetch_page(app, match.group(1))
        assert asset.status_code == 200
        assert kind in asset.headers["content-type"]
        assert "http://" not in asset.text
        assert "https://" not in asset.text
    node_check(str(JS_FILE))
    script = JS_FILE.read_text()
    for forbidden in ("eval(", "innerHTML", "new Function"):
        assert forbidden not in script


async def test_opt_in_custom_path_server_url_and_root_path() -> None:
    assert (await fetch_page(build_app())).status_code == 404
    custom = build_app(
        CookbookExtension(
            path="/docs/cookbook/", title="Recipes", server_url="https://api.example.com/"
        )
    )
    response = await fetch_page(custom, "/docs/cookbook")
    assert response.status_code == 200
    assert "<title>Recipes</title>" in response.text
    assert "https://api.example.com/posts/42" in html.unescape(response.text)

    mounted = build_app(CookbookExtension())
    response = await fetch_page(mounted, "/svc/api/cookbook", root_path="/svc")
    assert response.status_code == 200
    assert 'data-try-root="/svc"' in response.text
    assert "http://testserver/svc/posts/42" in html.unescape(response.text)


@pytest.mark.parametrize("path", ["api/cookbook", "/api/{x}", " /api", ""])
def test_bad_paths_are_refused(path: str) -> None:
    with pytest.raises(ShipyardError, match="not a plain URL path"):
        CookbookExtension(path=path)


def build_versioned_app(mode: str) -> App:
    settings = Settings(
        profile="production",
        app=AppSettings(name="Fleet", secret_key="k" * 48, allowed_hosts=["testserver"]),
        api=ApiSettings(vendor="acme", versions=["1", "2"], default_version="2", mode=mode),
    )
    app = App(settings=settings, extensions=[CookbookExtension()])
    router = VersionedRouter(prefix="/api/ships")

    @router.get("")
    @versions("1")
    async def list_ships_v1() -> list[str]:
        return []

    @router.get("/{ship_id}")
    @versions("2")
    async def get_ship_v2(ship_id: int) -> dict[str, int]:
        return {"id": ship_id}

    app.include_router(router)
    return app


async def test_versioned_app_shows_one_page_per_version_with_accept_header() -> None:
    app = build_versioned_app("header")
    default = html.unescape((await fetch_page(app)).text)
    assert "Accept: application/vnd.acme.v2+json" in default
    assert "http://testserver/api/ships/42" in default
    assert "list_ships_v1" not in default
    assert 'href="/api/cookbook?version=1"' in default

    older = html.unescape((await fetch_page(app, "/api/cookbook?version=1")).text)
    assert "Accept: application/vnd.acme.v1+json" in older
    assert "curl http://testserver/api/ships" in older
    assert "/api/ships/42" not in older

    unknown = html.unescape((await fetch_page(app, "/api/cookbook?version=$(id)")).text)
    assert "application/vnd.acme.v2+json" in unknown


async def test_path_versioning_puts_the_version_in_the_url() -> None:
    page = html.unescape((await fetch_page(build_versioned_app("path"))).text)
    assert "curl http://testserver/v2/api/ships/42" in page
    assert "vnd.acme" not in page
