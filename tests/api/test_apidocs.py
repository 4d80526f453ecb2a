"""The framework's /docs and /redoc pages: vendored assets, no inline script, FastAPI's options."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from shipyard import App, Settings
from shipyard.api.apidocs import SWAGGER_DEFAULTS

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


def _app(**options: Any) -> App:
    return App(settings=Settings(profile="test", security={"csp_preset": "strict"}), **options)


async def _get(app: App, path: str, root_path: str = "") -> httpx.Response:
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


def _config(html: str) -> dict[str, object]:
    match = re.search(r"data-config='([^']*)'", html)
    assert match is not None, html
    config: dict[str, object] = json.loads(match.group(1).replace("&#39;", "'"))
    return config


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_pages_load_framework_files_only_and_no_inline_script(path: str) -> None:
    response = await _get(_app(), path)
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
    assert nonce is not None
    scripts = SCRIPT.findall(response.text)
    assert scripts
    for attributes, body in scripts:
        assert body.strip() == ""
        assert f'nonce="{nonce.group(1)}"' in attributes
    assert all(url.startswith("/_shipyard/static/shipyard/") for url in _assets(response.text))
    assert "style=" not in response.text


async def test_every_asset_the_pages_name_is_served() -> None:
    app = _app()
    for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        for url in _assets((await _get(app, page)).text):
            assert (await _get(app, url)).status_code == 200, url


async def test_swagger_gets_fastapis_parameters_and_oauth_settings() -> None:
    app = _app(
        swagger_ui_parameters={"docExpansion": "none", "deepLinking": False},
        swagger_ui_init_oauth={"clientId": "docs"},
    )
    config = _config((await _get(app, "/docs")).text)
    assert config["url"] == "/openapi.json"
    assert config["docExpansion"] == "none"
    assert config["deepLinking"] is False
    assert config["validatorUrl"] is None  # no call to swagger.io's validator
    assert config["dom_id"] == SWAGGER_DEFAULTS["dom_id"]
    assert config["oauth2RedirectUrl"] == "/docs/oauth2-redirect"
    assert config["initOAuth"] == {"clientId": "docs"}


async def test_urls_follow_the_root_path_and_custom_locations() -> None:
    app = _app(docs_url="/api/docs", redoc_url="/api/redoc", openapi_url="/api/schema.json")
    swagger = await _get(app, "/proxy/api/docs", root_path="/proxy")
    assert _config(swagger.text)["url"] == "/proxy/api/schema.json"
    assert all(url.startswith("/proxy/_shipyard/") for url in _assets(swagger.text))
    redoc = await _get(app, "/proxy/api/redoc", root_path="/proxy")
    assert 'data-spec-url="/proxy/api/schema.json"' in redoc.text
    assert (await _get(app, "/docs")).status_code == 404


async def test_pages_turned_off_stay_off() -> None:
    app = _app(docs_url=None, redoc_url=None)
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert (await _get(app, path)).status_code == 404
    no_schema = _app(openapi_url=None)
    assert (await _get(no_schema, "/docs")).status_code == 404


async def test_an_app_template_overrides_the_page(tmp_path: Path) -> None:
    folder = tmp_path / "app" / "templates" / "apidocs"
    folder.mkdir(parents=True)
    (folder / "redoc.html").write_text("<p>our own {{ openapi_url }}</p>")
    app = App(settings=Settings(profile="test"), root=tmp_path)
    assert (await _get(app, "/redoc")).text == "<p>our own /openapi.json</p>"
