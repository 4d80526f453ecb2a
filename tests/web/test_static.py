"""Static files: cache-busting URLs, caching headers, traversal, the vendored htmx, layout."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse
from tests.web.conftest import AppFactory, get, write

from shipyard import App
from shipyard.web import get_static_files, get_templates, register_template_global, render
from shipyard.web import static as static_module
from shipyard.web.static import FRAMEWORK_STATIC, IMMUTABLE


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


async def test_static_url_carries_the_content_hash(app: App, static: Path) -> None:
    write(static / "app.css", "body { color: red }")
    url = get_static_files(app).url("app.css")
    assert url == f"/static/app.css?v={digest(b'body { color: red }')}"


async def test_hash_changes_when_the_file_changes(app: App, static: Path) -> None:
    css = write(static / "app.css", "a{}")
    first = get_static_files(app).url("app.css")
    css.write_text("a{color:blue}")
    stat = css.stat()
    os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = get_static_files(app).url("app.css")
    assert first != second
    assert second.endswith(digest(b"a{color:blue}"))


async def test_production_works_each_url_out_once(make_app: AppFactory, static: Path) -> None:
    app = make_app("production")
    static_files = get_static_files(app)
    css = write(static / "app.css", "a{}")
    first = static_files.url("app.css")
    css.unlink()
    assert static_files.url("app.css") == first == f"/static/app.css?v={digest(b'a{}')}"
    assert static_files.url("app.css", "/mounted") == "/mounted/static/app.css"


async def test_production_remembers_a_bounded_number_of_urls(
    make_app: AppFactory, static: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(static_module, "REMEMBERED_URLS", 2)
    static_files = get_static_files(make_app("production"))
    for name in ("a.css", "b.css", "c.css"):
        write(static / name, name)
        static_files.url(name)
    css = static / "c.css"
    css.write_text("changed")
    os.utime(css, ns=(css.stat().st_atime_ns, css.stat().st_mtime_ns + 1_000_000_000))
    assert static_files.url("c.css").endswith(digest(b"changed"))  # not remembered
    assert static_files.url("a.css").endswith(digest(b"a.css"))


async def test_missing_file_gets_an_unversioned_url(app: App) -> None:
    assert get_static_files(app).url("nope.js") == "/static/nope.js"


async def test_hashed_url_is_served_immutable(app: App, static: Path) -> None:
    write(static / "app.js", "console.log(1)")
    url = get_static_files(app).url("app.js")
    response = await get(app, url)
    assert response.status_code == 200
    assert response.text == "console.log(1)"
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]


@pytest.mark.parametrize("query", ["", "?v=000000000000"])
async def test_unhashed_or_stale_url_revalidates(app: App, static: Path, query: str) -> None:
    write(static / "app.js", "x")
    response = await get(app, f"/static/app.js{query}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


async def test_etag_gives_304(app: App, static: Path) -> None:
    write(static / "app.js", "x")
    first = await get(app, "/static/app.js")
    second = await get(app, "/static/app.js", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 304
    assert second.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/sub/../../secret.txt",
        "/static/..%2fsecret.txt",
        "/static/%2e%2e%2fsecret.txt",
        "/static/sub%5c..%5c..%5csecret.txt",
        "/static/",
        "/static/sub",
    ],
)
async def test_traversal_and_directories_are_404(
    app: App, static: Path, tmp_path: Path, path: str
) -> None:
    write(tmp_path / "secret.txt", "TOP SECRET")
    write(static / "sub/inner.txt", "inner")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        request = http.build_request("GET", "http://testserver/")
        request.url = request.url.copy_with(raw_path=path.encode())
        response = await http.send(request)
    assert response.status_code == 404
    assert "TOP SECRET" not in response.text


def test_find_refuses_escapes(app: App, static: Path, tmp_path: Path) -> None:
    write(tmp_path / "secret.txt", "TOP SECRET")
    files = get_static_files(app)
    for path in [
        "../secret.txt",
        "a/../../secret.txt",
        "/../secret.txt",
        "x\x00",
        "..\\secret.txt",
    ]:
        assert files.find(path) is None, path


async def test_symlink_out_of_the_directory_is_refused(
    app: App, static: Path, tmp_path: Path
) -> None:
    secret = write(tmp_path / "secret.txt", "TOP SECRET")
    write(static / "keep.txt", "")
    os.symlink(secret, static / "link.txt")
    assert (await get(app, "/static/link.txt")).status_code == 404


async def test_post_is_405_with_allow(app: App, static: Path) -> None:
    write(static / "app.js", "x")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        response = await http.post("/static/app.js")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


async def test_vendored_htmx_and_extensions_are_served(app: App) -> None:
    for name in ["htmx.min.js", "sse.js", "ws.js"]:
        url = get_static_files(app).url(f"shipyard/vendor/{name}")
        data = (FRAMEWORK_STATIC / "shipyard/vendor" / name).read_bytes()
        assert url.endswith(digest(data))
        response = await get(app, url)
        assert response.status_code == 200
        assert response.content == data
    assert b"htmx" in (FRAMEWORK_STATIC / "shipyard/vendor/htmx.min.js").read_bytes()[:4000]


async def test_app_static_dir_overrides_framework_file(app: App, static: Path) -> None:
    write(static / "shipyard/vendor/htmx.min.js", "/* patched */")
    url = get_static_files(app).url("shipyard/vendor/htmx.min.js")
    assert (await get(app, url)).text == "/* patched */"


async def test_framework_assets_live_under_the_reserved_prefix(app: App) -> None:
    url = get_static_files(app).url("shipyard/vendor/htmx.min.js")
    assert url.startswith("/_shipyard/static/shipyard/vendor/htmx.min.js?v=")
    assert (await get(app, url)).status_code == 200


async def test_apps_own_static_mount_wins(app: App, static: Path, tmp_path: Path) -> None:
    from starlette.staticfiles import StaticFiles as StarletteStatic

    own = write(tmp_path / "own/site.css", "own {}").parent
    write(static / "app.css", "ours {}")
    app.mount("/static", StarletteStatic(directory=own), name="static")
    assert (await get(app, "/static/site.css")).text == "own {}"
    assert app.url_path_for("static", path="/site.css") == "/static/site.css"
    # Files of app.static_dirs are still linked, through the reserved prefix.
    url = get_static_files(app).url("app.css")
    assert url.startswith("/_shipyard/static/app.css?v=")
    assert (await get(app, url)).text == "ours {}"
    htmx = await get(app, get_static_files(app).url("shipyard/vendor/htmx.min.js"))
    assert htmx.status_code == 200


async def test_an_app_route_under_the_static_prefix_wins(app: App, static: Path) -> None:
    write(static / "report.txt", "file")

    @app.get("/static/{name}")
    async def generated(name: str) -> dict[str, str]:
        return {"generated": name}

    assert (await get(app, "/static/report.txt")).json() == {"generated": "report.txt"}
    assert get_static_files(app).url("report.txt").startswith("/_shipyard/static/report.txt")


async def test_static_url_setting_moves_the_mount(make_app: AppFactory, static: Path) -> None:
    from shipyard import Settings
    from shipyard.config.models import WebSettings

    app = App(settings=Settings(web=WebSettings(static_url="/assets")), root=static.parent)
    app.add_static_dir(static)
    write(static / "a.txt", "A")
    assert get_static_files(app).url("a.txt").startswith("/assets/a.txt?v=")
    assert (await get(app, "/assets/a.txt")).text == "A"


def test_static_url_setting_is_validated() -> None:
    from pydantic import ValidationError

    from shipyard.config.models import WebSettings

    for bad in ["static", "/static/", "/st atic", ""]:
        with pytest.raises(ValidationError):
            WebSettings(static_url=bad)


def _layout_app(app: App, templates: Path) -> App:
    write(
        templates / "home.html",
        '{% extends "layouts/base.html" %}{% block content %}hi{% endblock %}',
    )

    @app.get("/")
    async def home(request: Request) -> HTMLResponse:
        return render(request, "home.html")

    return app


async def test_base_layout_without_security_globals(app: App, templates: Path) -> None:
    for name in ["csp_nonce", "csrf_token", "get_flashed_messages"]:
        get_templates(app).env.globals.pop(name, None)
    body = (await get(_layout_app(app, templates), "/")).text
    htmx_url = get_static_files(app).url("shipyard/vendor/htmx.min.js")
    assert f'<script src="{htmx_url}"></script>' in body
    assert 'name="htmx-config"' in body
    assert '"allowEval": false' in body
    assert '"includeIndicatorStyles": false' in body
    assert "hx-headers" not in body
    assert "nonce" not in body
    assert "<title>Web test</title>" in body


async def test_base_layout_with_nonce_csrf_and_extensions(app: App, templates: Path) -> None:
    register_template_global(app, "csp_nonce", lambda: "n0nce")
    register_template_global(app, "csrf_token", lambda: "tok'en\"<x>")
    register_template_global(app, "htmx_extensions", ("sse", "ws", "evil"))
    body = (await get(_layout_app(app, templates), "/")).text
    assert body.count('nonce="n0nce"') == 4  # htmx, sse, ws and the feedback defaults
    assert "shipyard/feedback.js?v=" in body
    assert "shipyard/vendor/sse.js?v=" in body
    assert "shipyard/vendor/ws.js?v=" in body
    assert "evil" not in body
    header_attr = body.split("<body hx-headers='", 1)[1].split("'", 1)[0]
    assert header_attr == '{"X-CSRF-Token": "tok\\u0027en\\"\\u003cx\\u003e"}'


async def test_layout_nonce_matches_the_strict_csp_header(templates: Path) -> None:
    from shipyard import Settings
    from shipyard.config.models import SecurityHeadersSettings

    settings = Settings(security=SecurityHeadersSettings(csp_preset="strict"))
    app = App(settings=settings, root=templates.parent)
    app.add_template_dir(templates, override=True)
    response = await get(_layout_app(app, templates), "/")
    nonce = response.text.split('nonce="', 1)[1].split('"', 1)[0]
    assert len(nonce) >= 16
    policy = response.headers.get("content-security-policy", "")
    assert f"'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "hx-headers='{&#34;X-CSRF-Token&#34;" not in response.text
    assert '<body hx-headers=\'{"X-CSRF-Token": "' in response.text
