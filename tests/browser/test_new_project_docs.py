"""issue 15 on a fresh ``shipyard new`` project: /docs, /redoc and the cookbook offline.

The project is generated, migrated and served by ``shipyard run`` (the ``test`` profile,
whose CSP preset is ``strict``); Chromium loads each page with every request to another
host aborted and must render the operations without a CSP violation.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import SHIPYARD, STARTUP_TIMEOUT

from shipyard.testing.services import free_port, running_server
from shipyard.testing.watch import WatchedPage, offline

pytestmark = pytest.mark.browser


def _shipyard(cwd: Path, env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(SHIPYARD), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"shipyard {' '.join(args)} failed:\n{result.stderr}"


@pytest.fixture(scope="module")
def new_project_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A project fresh from ``shipyard new``, served on a free port."""
    parent = tmp_path_factory.mktemp("new-project")
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    _shipyard(parent, env, "new", "harbour")
    project = parent / "harbour"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env.update(
        SHIPYARD_PROFILE="test",
        SHIPYARD_DATABASE__URL=f"sqlite+aiosqlite:///{parent / 'harbour.db'}",
    )
    _shipyard(project, env, "db", "upgrade")
    command = [str(SHIPYARD), "run", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(
        command,
        probe=f"{url}/health",
        log=parent / "server.log",
        cwd=project,
        env=env,
        startup_timeout=STARTUP_TIMEOUT,
    ):
        yield url


@pytest.fixture
def fresh(browser: Browser, new_project_url: str) -> Iterator[WatchedPage]:
    context = browser.new_context(base_url=new_project_url)
    context.set_default_timeout(10_000)
    try:
        yield WatchedPage.attach(context.new_page())
    finally:
        context.close()


def test_a_new_projects_api_docs_render_offline(
    fresh: WatchedPage, screenshot: Callable[[Page, str], Path]
) -> None:
    page = fresh.page
    refused = offline(page)

    page.goto("/docs")
    expect(page.locator("#swagger-ui .opblock-summary-path[data-path='/health']")).to_be_visible()
    screenshot(page, "new-project-swagger")
    page.goto("/redoc")
    expect(page.locator("#redoc .api-content")).to_be_visible()
    expect(page.get_by_role("heading", name="Health").first).to_be_visible()
    page.goto("/")
    page.get_by_role("link", name="API cookbook").click()
    expect(page.locator("#cookbook h3", has_text="/health")).to_be_visible()
    screenshot(page, "new-project-cookbook")

    assert refused == []
    fresh.assert_no_csp_violations()
