"""render(): full pages, blocks, several blocks, automatic fragments, overrides, escaping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse
from tests.web.conftest import client_for, get, write

from shipyard import App, ShipyardError
from shipyard.web import (
    register_context_processor,
    register_template_filter,
    register_template_global,
    render,
    render_to_string,
)

PAGE = """{% extends "layouts/base.html" %}
{% block title %}Posts{% endblock %}
{% block content %}
<h1>All posts</h1>
<table><tbody id="rows">{% block rows %}
{%- for post in posts %}<tr><td>{{ post }}</td></tr>{% endfor %}
{%- endblock %}</tbody></table>
<p id="count">{% block count %}{{ posts|length }} posts{% endblock %}</p>
{% endblock %}
"""

HTMX = {"HX-Request": "true"}


@pytest.fixture
def page_app(app: App, templates: Path) -> App:
    write(templates / "posts/index.html", PAGE)

    @app.get("/posts", response_class=HTMLResponse)
    async def posts(request: Request, block: str | None = None, both: bool = False) -> Any:
        context = {"posts": ["first", "<script>alert(1)</script>"]}
        if both:
            return render(request, "posts/index.html", context, block=["rows", "count"])
        if block:
            return render(request, "posts/index.html", context, block=block)
        return render(request, "posts/index.html", context, fragment="rows")

    return app


@pytest.fixture
async def page_client(page_app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(page_app) as http:
        yield http


async def test_full_page_uses_the_framework_layout(page_client: httpx.AsyncClient) -> None:
    response = await page_client.get("/posts")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert body.startswith("<!doctype html>")
    assert "<title>Posts</title>" in body
    assert '<div id="flash-messages"' in body
    assert "<h1>All posts</h1>" in body


async def test_block_renders_only_that_block(page_client: httpx.AsyncClient) -> None:
    body = (await page_client.get("/posts", params={"block": "count"})).text
    assert body == "2 posts"


async def test_several_blocks_are_concatenated_in_order(page_client: httpx.AsyncClient) -> None:
    body = (await page_client.get("/posts", params={"both": "true"})).text
    assert body.startswith("<tr><td>first</td></tr>")
    assert body.endswith("</tr>2 posts")
    assert "<html" not in body


async def test_block_inherited_from_the_layout_renders(page_app: App) -> None:
    class Flashed:
        level = "info"
        message = "Saved <b>"

    register_template_global(page_app, "get_flashed_messages", lambda: [Flashed()])
    async with client_for(page_app) as http:
        body = (await http.get("/posts", params={"block": "flash"})).text
    assert body.strip() == '<div class="flash flash-info" role="status">Saved &lt;b&gt;</div>'


async def test_autoescape_neutralises_hostile_input(page_client: httpx.AsyncClient) -> None:
    body = (await page_client.get("/posts")).text
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        (HTMX, True),
        ({**HTMX, "HX-Boosted": "true"}, False),
        ({**HTMX, "HX-History-Restore-Request": "true"}, False),
        ({**HTMX, "HX-Request-Type": "full"}, False),
        ({**HTMX, "HX-Request-Type": "partial"}, True),
        ({"HX-Request": "yes"}, False),
    ],
)
async def test_fragment_is_chosen_for_htmx_swaps_only(
    page_client: httpx.AsyncClient, headers: dict[str, str], fragment: bool
) -> None:
    response = await page_client.get("/posts", headers=headers)
    assert ("<html" not in response.text) is fragment
    assert "<tr><td>first</td></tr>" in response.text
    assert "HX-Request" in response.headers["vary"]


async def test_explicit_block_has_no_vary(page_client: httpx.AsyncClient) -> None:
    response = await page_client.get("/posts", params={"block": "rows"})
    assert "vary" not in response.headers


async def test_vary_is_merged_with_existing_header(app: App, templates: Path) -> None:
    write(templates / "one.html", "{% block a %}A{% endblock %}")

    @app.get("/one")
    async def one(request: Request) -> HTMLResponse:
        return render(
            request,
            "one.html",
            fragment="a",
            status_code=201,
            headers={"Vary": "Accept-Encoding", "X-Extra": "1"},
        )

    response = await get(app, "/one")
    assert response.status_code == 201
    assert response.headers["x-extra"] == "1"
    assert [v.strip() for v in response.headers["vary"].split(",")] == [
        "Accept-Encoding",
        "HX-Request",
    ]


async def test_missing_block_names_template_and_blocks(app: App, templates: Path) -> None:
    write(templates / "one.html", "{% block a %}A{% endblock %}")

    @app.get("/one")
    async def one(request: Request) -> HTMLResponse:
        return render(request, "one.html", block="nope")

    with pytest.raises(ShipyardError, match=r"'one.html' has no block 'nope'") as info:
        await get(app, "/one")
    assert info.value.hint is not None
    assert "a" in info.value.hint


async def test_block_and_fragment_together_is_an_error(app: App, templates: Path) -> None:
    write(templates / "one.html", "{% block a %}A{% endblock %}")

    @app.get("/one")
    async def one(request: Request) -> HTMLResponse:
        return render(request, "one.html", block="a", fragment="a")

    with pytest.raises(ShipyardError, match="both block= and fragment="):
        await get(app, "/one")


async def test_app_template_overrides_framework_template(app: App, templates: Path) -> None:
    write(templates / "layouts/base.html", "APP LAYOUT {% block content %}{% endblock %}")
    write(
        templates / "page.html",
        '{% extends "layouts/base.html" %}{% block content %}x{% endblock %}',
    )

    @app.get("/page")
    async def page(request: Request) -> HTMLResponse:
        return render(request, "page.html")

    assert (await get(app, "/page")).text == "APP LAYOUT x"


async def test_super_and_nested_overrides_work_in_blocks(app: App, templates: Path) -> None:
    write(
        templates / "parent.html",
        "{% block outer %}[{% block inner %}p{% endblock %}]{% endblock %}",
    )
    write(
        templates / "child.html",
        '{% extends "parent.html" %}{% block inner %}c{{ super() }}{% endblock %}',
    )

    @app.get("/child")
    async def child(request: Request) -> HTMLResponse:
        return render(request, "child.html", block="outer")

    assert (await get(app, "/child")).text == "[cp]"


async def test_globals_filters_and_context_processors(app: App, templates: Path) -> None:
    write(
        templates / "ctx.html",
        "{{ site }}|{{ 'abc'|shout }}|{{ user }}|{{ path }}|{{ url_for('item', item_id=7) }}",
    )
    register_template_global(app, "site", "Shipyard")
    register_template_filter(app, "shout", lambda value: str(value).upper() + "!")
    register_context_processor(app, lambda request: {"user": "ada", "path": request.url.path})

    @app.get("/items/{item_id}", name="item")
    async def item(request: Request, item_id: int) -> HTMLResponse:
        return render(request, "ctx.html", {"user": "override"})

    body = (await get(app, "/items/1")).text
    assert body == "Shipyard|ABC!|override|/items/1|/items/7"


async def test_render_to_string_is_markup(app: App, templates: Path) -> None:
    write(templates / "bit.html", "{% block b %}<b>{{ v }}</b>{% endblock %}")
    seen: list[str] = []

    @app.get("/bit")
    async def bit(request: Request) -> HTMLResponse:
        markup = render_to_string(request, "bit.html", {"v": "<i>"}, block="b")
        seen.append(markup)
        return HTMLResponse(markup)

    await get(app, "/bit")
    assert seen == ["<b>&lt;i&gt;</b>"]
    assert hasattr(seen[0], "__html__")


async def test_template_dir_added_after_first_render_is_used(
    app: App, templates: Path, tmp_path: Path
) -> None:
    write(templates / "a.html", "A")
    write(tmp_path / "extra/b.html", "B from extra")

    @app.get("/t/{name}")
    async def page(request: Request, name: str) -> HTMLResponse:
        return render(request, f"{name}.html")

    assert (await get(app, "/t/a")).text == "A"
    app.add_template_dir(tmp_path / "extra")
    assert (await get(app, "/t/b")).text == "B from extra"
