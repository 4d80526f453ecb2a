"""``{% cache %}`` in templates, through the default stack: reuse, keys, TTL, tags, and
never a nonce or a session-bound value (CSRF token) served to another request."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import TemplateSyntaxError

from shipyard import App, Settings
from shipyard.cache import invalidate_tags
from shipyard.testing import ShipyardClient
from shipyard.web import render
from shipyard.web.templates import get_templates

TEMPLATES = {
    "sidebar.html": '{% cache "sidebar", n, ttl=60, tags=["posts"] %}[{{ tick() }}]'
    "{% endcache %}|{{ tick() }}",
    "short.html": '{% cache "short", ttl=0.05 %}[{{ tick() }}]{% endcache %}',
    "nonce.html": '{% cache "scripts" %}<script nonce="{{ csp_nonce() }}"></script>{% endcache %}',
    "csrf.html": '{% cache "form" %}{{ csrf_field() }}{% endcache %}',
    "outer-nonce.html": '<script nonce="{{ csp_nonce() }}"></script>'
    '{% cache "after-nonce" %}[{{ tick() }}]{% endcache %}',
}


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[ShipyardClient]:
    settings = Settings.model_validate(
        {"profile": "test", "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'f.db'}"}}
    )
    app = App(settings=settings, root=tmp_path)
    (tmp_path / "templates").mkdir()
    for name, text in TEMPLATES.items():
        (tmp_path / "templates" / name).write_text(text)
    app.add_template_dir(tmp_path / "templates")
    ticks = iter(range(1, 10_000))
    get_templates(app).env.globals["tick"] = lambda: next(ticks)

    @app.get("/t/{name}")
    async def page(request: Request, name: str, n: int = 0) -> HTMLResponse:
        return render(request, f"{name}.html", {"n": n})

    @app.post("/posts")
    async def change_posts(request: Request) -> dict[str, bool]:
        await invalidate_tags(request, "posts")
        return {"ok": True}

    async with app.router.lifespan_context(app), ShipyardClient(app) as http:
        yield http


async def test_a_fragment_renders_once_per_key(client: ShipyardClient) -> None:
    assert (await client.get("/t/sidebar", params={"n": 1})).text == "[1]|2"
    assert (await client.get("/t/sidebar", params={"n": 1})).text == "[1]|3"
    assert (await client.get("/t/sidebar", params={"n": 2})).text == "[4]|5"


async def test_tags_and_ttl_expire_fragments(client: ShipyardClient) -> None:
    assert (await client.get("/t/sidebar")).text == "[1]|2"
    assert (await client.post("/posts")).status_code == 200
    assert (await client.get("/t/sidebar")).text == "[3]|4"
    assert (await client.get("/t/short")).text == "[5]"
    await asyncio.sleep(0.3)
    assert (await client.get("/t/short")).text == "[6]"


async def test_a_fragment_holding_the_nonce_is_never_cached(client: ShipyardClient) -> None:
    nonces = set()
    for _ in range(3):
        found = re.search(r'nonce="([^"]+)"', (await client.get("/t/nonce")).text)
        assert found is not None
        nonces.add(found.group(1))
    assert len(nonces) == 3


async def test_a_fragment_after_the_nonce_is_still_cached(client: ShipyardClient) -> None:
    first, second = (
        (await client.get("/t/outer-nonce")).text,
        (await client.get("/t/outer-nonce")).text,
    )
    assert first.endswith("[1]")
    assert second.endswith("[1]")
    assert first != second  # the nonce outside the fragment is new each time


async def test_a_fragment_using_the_session_is_never_cached(client: ShipyardClient) -> None:
    tokens = set()
    for _ in range(2):
        client.cookies.clear()
        found = re.search(r'value="([^"]+)"', (await client.get("/t/csrf")).text)
        assert found is not None
        tokens.add(found.group(1))
    assert len(tokens) == 2


async def test_bad_tags_are_template_errors(client: ShipyardClient) -> None:
    env = get_templates(client.app).env
    with pytest.raises(TemplateSyntaxError, match="needs a key"):
        env.from_string("{% cache %}x{% endcache %}")
    with pytest.raises(TemplateSyntaxError, match="unknown cache option"):
        env.from_string('{% cache "k", size=3 %}x{% endcache %}')
    assert env.from_string('{% cache "k" %}plain{% endcache %}').render() == "plain"  # no request
