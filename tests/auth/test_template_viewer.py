"""``current_user`` in templates and the ``web.layout`` setting, on a real auth app.

The layout names ``current_user``, so every page rendered in it (a route that never asked
for the user, an error page, an account page) knows who is logged in; a template that does
not name it never resolves the identity. An app's own copy of one framework template wins
while the others keep the layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.responses import Response
from tests.auth.conftest import FAST_ARGON2
from tests.auth.support import HTML, AuthHarness, make_auth_app

from shipyard.auth.identity import RESOLVED
from shipyard.web import PageRouter, render
from shipyard.web.htmx import oob, with_oob

LAYOUT = """{% extends "layouts/base.html" %}
{% block header %}<nav id="who">{{ current_user.email if current_user else "anonymous" }}</nav>
{%- endblock %}
"""


@pytest.fixture
def harness(tmp_path: Path, sqlite_url: str) -> Iterator[tuple[AuthHarness, list[str]]]:
    """An auth app whose layout (``web.layout``) shows ``current_user``, and what its
    routes saw: the class of response ``render`` gave and whether the identity was
    resolved before it was sent."""
    templates = tmp_path / "templates"
    (templates / "layouts").mkdir(parents=True)
    (templates / "layouts" / "mine.html").write_text(LAYOUT)
    (templates / "page.html").write_text(
        '{% extends layout %}{% block main %}<p id="plain">plain</p>{% endblock %}'
    )
    (templates / "bare.html").write_text('<p id="bare">no layout</p>')
    (templates / "auth").mkdir()
    (templates / "auth" / "forgot.html").write_text('<p id="own-forgot">our own page</p>')
    app = make_auth_app(sqlite_url, tmp_path, FAST_ARGON2, web={"layout": "layouts/mine.html"})
    app.add_template_dir(templates, override=True)
    seen: list[str] = []
    pages = PageRouter()

    @pages.get("/in-layout")
    async def in_layout(request: Request) -> Response:
        response = render(request, "page.html")
        seen.append(f"{type(response).__name__} resolved={bool(request.scope.get(RESOLVED))}")
        return with_oob(response, oob("extra", "after"))

    @pages.get("/bare")
    async def bare(request: Request) -> Response:
        response = render(request, "bare.html")
        seen.append(f"{type(response).__name__} resolved={bool(request.scope.get(RESOLVED))}")
        return response

    app.include_router(pages)
    started = AuthHarness.start(app)
    started.create_user()
    yield started, seen
    started.close()


def test_a_page_in_the_layout_shows_the_user_the_route_never_asked_for(
    harness: tuple[AuthHarness, list[str]],
) -> None:
    auth, seen = harness
    anonymous = auth.client.get("/in-layout")
    assert '<nav id="who">anonymous</nav>' in anonymous.text
    auth.log_in()
    page = auth.client.get("/in-layout")
    assert '<nav id="who">ada@example.com</nav>' in page.text
    assert page.text.index('id="plain"') < page.text.index('hx-swap-oob="outerHTML">after')
    assert page.headers["content-length"] == str(len(page.content))
    assert seen == ["LazyHTMLResponse resolved=False", "LazyHTMLResponse resolved=False"]


def test_a_template_without_current_user_never_resolves_the_identity(
    harness: tuple[AuthHarness, list[str]],
) -> None:
    auth, seen = harness
    auth.log_in()
    assert auth.client.get("/bare").text == '<p id="bare">no layout</p>'
    assert seen == ["HTMLResponse resolved=False"]


def test_error_and_account_pages_render_in_the_layout_with_the_user(
    harness: tuple[AuthHarness, list[str]],
) -> None:
    auth, _ = harness
    assert '<nav id="who">anonymous</nav>' in auth.client.get("/nowhere", headers=HTML).text
    login = auth.client.get("/account/login")
    assert '<nav id="who">anonymous</nav>' in login.text
    assert 'id="main"' in login.text
    auth.log_in()
    missing = auth.client.get("/nowhere", headers=HTML)
    assert missing.status_code == 404
    assert '<nav id="who">ada@example.com</nav>' in missing.text
    account = auth.client.get("/account/")
    assert '<nav id="who">ada@example.com</nav>' in account.text


def test_an_apps_own_copy_of_one_framework_template_wins(
    harness: tuple[AuthHarness, list[str]],
) -> None:
    auth, _ = harness
    assert auth.client.get("/account/forgot").text == '<p id="own-forgot">our own page</p>'
    assert '<nav id="who">' in auth.client.get("/account/register").text
