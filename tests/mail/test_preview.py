"""The mail previewer: every mail class listed and rendered, 404 outside development/test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from shipyard import App

from .conftest import make_app
from .mails import SampleBroken, SampleReceipt, SampleWelcome


@asynccontextmanager
async def client_for(
    app: App, base_url: str = "http://localhost"
) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client,
    ):
        yield client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_app(tmp_path)) as client:
        yield client


async def test_the_index_lists_every_mail_class(client: httpx.AsyncClient) -> None:
    page = await client.get("/_shipyard/mail")
    assert page.status_code == 200
    assert "Welcome, Ann" in page.text  # rendered with SampleWelcome.preview()
    assert SampleWelcome.mail_name() in page.text
    # A class without preview() is listed with the fix, not a 500.
    assert "SampleReceipt has no sample data to preview" in page.text
    assert "define a classmethod preview()" in page.text
    assert "/static/shipyard/mail/preview.css?v=" in page.text


async def test_the_detail_page_shows_headers_size_text_and_a_sandboxed_frame(
    client: httpx.AsyncClient,
) -> None:
    name = SampleWelcome.mail_name()
    page = await client.get(f"/_shipyard/mail/{name}")
    assert page.status_code == 200
    text = page.text
    assert "<dt>Subject</dt><dd>Welcome, Ann</dd>" in text
    assert "<dt>To</dt><dd>ann@example.com</dd>" in text
    assert 'data-testid="mail-size"' in text
    assert f'<iframe src="/_shipyard/mail/{name}/html" sandbox' in text
    assert "[Open your dashboard](https://app.example.com/dashboard)" in text  # text part
    assert "<script>" not in text.split("<main", 1)[1]  # no inline script in the page


async def test_the_html_part_is_served_under_a_sandboxing_csp(client: httpx.AsyncClient) -> None:
    frame = await client.get(f"/_shipyard/mail/{SampleWelcome.mail_name()}/html")
    assert frame.status_code == 200
    assert "<h1>Welcome, Ann!</h1>" in frame.text
    csp = frame.headers["content-security-policy"]
    assert csp.startswith("sandbox;")
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert frame.headers["x-frame-options"] == "SAMEORIGIN"


async def test_unknown_or_broken_mail_gives_404_or_the_error(client: httpx.AsyncClient) -> None:
    assert (await client.get("/_shipyard/mail/no.such.Mail")).status_code == 404
    broken = await client.get(f"/_shipyard/mail/{SampleReceipt.mail_name()}")
    assert broken.status_code == 200
    assert "has no sample data to preview" in broken.text
    html = await client.get(f"/_shipyard/mail/{SampleReceipt.mail_name()}/html")
    assert html.status_code == 404
    template_error = await client.get(f"/_shipyard/mail/{SampleBroken.mail_name()}")
    assert template_error.status_code == 200
    assert "&#39;no_such_variable&#39; is undefined" in template_error.text


@pytest.mark.parametrize("profile", ["production", "staging"])
async def test_every_previewer_path_is_404_outside_development_and_test(
    tmp_path: Path, profile: str
) -> None:
    app = make_app(tmp_path, profile=profile, backend="file")
    assert app.settings.is_production == (profile == "production")
    name = SampleWelcome.mail_name()
    async with client_for(app, "https://app.example.com") as client:
        for path in ("/_shipyard/mail", f"/_shipyard/mail/{name}", f"/_shipyard/mail/{name}/html"):
            response = await client.get(path)
            assert response.status_code == 404, path
            assert "Ann" not in response.text
