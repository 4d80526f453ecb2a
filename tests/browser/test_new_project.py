"""A project fresh from ``shipyard new`` in a real browser: the framework's pages wear the
generated layout (navigation, ``app.css``, the default design), fit a phone, pass the
accessibility check, and the navigation knows who is logged in on every page.

The project is generated in tmp, given the account pages the way docs/accounts.md says
(``AuthExtension`` in ``app/main.py``), migrated, and served by ``shipyard run`` with the
strict CSP. Screenshots are named ``new-<page>-<desktop|phone>``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import SHIPYARD, STARTUP_TIMEOUT, log_in, watched_page
from tests.browser.look import DESKTOP, check_page

from shipyard.testing.services import free_port, running_server
from shipyard.testing.watch import WatchedPage

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
OWNER = "owner@example.test"
PASSWORD = "new project passphrase"
STYLESHEET = "/static/app.css"


def _shipyard(cwd: Path, env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(SHIPYARD), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"shipyard {' '.join(args)} failed:\n{result.stderr}"


@pytest.fixture(scope="module")
def new_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A generated project (accounts are on by default), migrated, served on a free port."""
    parent = tmp_path_factory.mktemp("new-project")
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    _shipyard(parent, env, "new", "harbour")
    project = parent / "harbour"
    assert 'AuthExtension(prefix="/account")' in (project / "app" / "main.py").read_text()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env.update(
        SHIPYARD_PROFILE="test",
        SHIPYARD_DATABASE__URL=f"sqlite+aiosqlite:///{parent / 'harbour.db'}",
        SHIPYARD_SECURITY__CSP_PRESET="strict",
        SHIPYARD_MAIL__BACKEND="memory",
    )
    _shipyard(project, env, "db", "upgrade")
    _shipyard(project, env, "users", "create", OWNER, "--password", PASSWORD)
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
def visitor(browser: Browser, new_app_url: str) -> Iterator[WatchedPage]:
    """A page of the new project in a fresh browser context."""
    with watched_page(browser, new_app_url) as page:
        yield page


ANONYMOUS_PAGES = {
    "home": "/",
    "login": "/account/login",
    "register": "/account/register",
    "not-found": "/no/such/page",
    "problem-types": "/problems/",
}
SIGNED_IN_PAGES = {
    "home-signed-in": "/",
    "account": "/account/",
    "not-found-signed-in": "/no/such/page",
}


@pytest.mark.parametrize("name", sorted(ANONYMOUS_PAGES))
def test_framework_pages_wear_the_generated_layout(
    visitor: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    page = visitor.page
    page.set_viewport_size(DESKTOP)
    page.goto(ANONYMOUS_PAGES[name])
    expect(page.locator("#nav-account")).to_contain_text("Log in")
    check_page(page, f"new-{name}", STYLESHEET, screenshot)
    visitor.assert_no_csp_violations()


@pytest.mark.parametrize("name", sorted(SIGNED_IN_PAGES))
def test_the_generated_layout_knows_who_is_logged_in(
    visitor: WatchedPage, screenshot: Screenshot, name: str
) -> None:
    log_in(visitor, OWNER, PASSWORD)
    page = visitor.page
    page.goto(SIGNED_IN_PAGES[name])
    expect(page.locator(".nav-user")).to_have_text(OWNER)
    expect(page.locator("#nav-account")).not_to_contain_text("Log in")
    check_page(page, f"new-{name}", STYLESHEET, screenshot)
    visitor.assert_no_csp_violations()
