"""Fixtures for the browser tests: the showcase on a real server, Debian's Chromium.

``showcase_url`` (session): a fresh SQLite database under tmp, migrated and seeded with
the ``shipyard`` CLI (plus ``CAPTAIN``, an admin made with ``shipyard users create``),
then ``shipyard run --workers 1`` on a free port with the ``test`` profile, the strict
CSP preset and a jobs worker inside the server process; stopped at the end. Its mail
(the ``file`` backend) goes to ``mail_dir``.
``new_project_url`` (session): one project fresh from ``shipyard new harbour`` (accounts
on, the default), migrated, with ``OWNER`` made by ``shipyard users create``, served the
same way with the strict CSP and the ``memory`` mailer; ``visitor`` (per test): a
``watched`` page of it.
``browser`` (per module): the system's ``/usr/bin/chromium`` through Playwright (no
browser download, ever).
``watched`` (per test): a new browser context (own cookies and storage) with a page
that records CSP violations (:mod:`shipyard.testing.watch`); ``signed_in``: the same, logged
in as ``CAPTAIN`` through the login page. ``api``: an HTTP client with the captain's JWT.
``screenshot``: saves a full-page PNG under ``$SHIPYARD_SCREENSHOTS`` (or the session's
tmp dir) for a person to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from shipyard.testing.services import free_port, running_server, unavailable
from shipyard.testing.watch import WatchedPage

SHOWCASE = Path(__file__).resolve().parents[2] / "examples" / "showcase"
SHIPYARD = Path(sys.executable).with_name("shipyard")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 30.0
CAPTAIN = "captain@example.test"
PASSWORD = "browser test passphrase"


OWNER = "owner@example.test"
OWNER_PASSWORD = "new project passphrase"


def clean_env() -> dict[str, str]:
    """This process's environment without its ``SHIPYARD_*`` variables."""
    return {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}


def _showcase_env(database: Path, mail: Path, url: str) -> dict[str, str]:
    env = clean_env()
    env.update(
        SHIPYARD_PROFILE="test",
        SHIPYARD_APP__BASE_URL=url,  # the links in mail point at this server
        SHIPYARD_DATABASE__URL=f"sqlite+aiosqlite:///{database}",
        SHIPYARD_SECURITY__CSP_PRESET="strict",
        SHIPYARD_MAIL__FILE_DIR=str(mail),
        SHIPYARD_STORAGE__ROOT=str(database.parent / "storage"),  # ship photos
        SHIPYARD_JOBS__EMBEDDED_WORKER="true",  # the jobs dashboard test watches jobs run
    )
    return env


def shipyard(cwd: Path, env: dict[str, str], *args: str) -> None:
    """Run ``shipyard *args`` in ``cwd``; fail the test with its stderr if it fails."""
    result = subprocess.run(
        [str(SHIPYARD), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"shipyard {' '.join(args)} failed:\n{result.stderr}"


@contextmanager
def serving(project: Path, env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """``shipyard run --workers 1`` of ``project`` on ``port`` until the block ends; its URL."""
    url = f"http://127.0.0.1:{port}"
    command = [str(SHIPYARD), "run", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(
        command,
        probe=f"{url}/health",
        log=log,
        cwd=project,
        env=env,
        startup_timeout=STARTUP_TIMEOUT,
    ):
        yield url


@pytest.fixture(scope="session")
def showcase_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test server's folder: its database, log and mail."""
    return tmp_path_factory.mktemp("showcase")


@pytest.fixture(scope="session")
def mail_dir(showcase_dir: Path) -> Path:
    """Where the test server's file mailer writes its ``.eml`` files."""
    return showcase_dir / "mail"


@pytest.fixture(scope="session")
def showcase_url(showcase_dir: Path, mail_dir: Path) -> Iterator[str]:
    """The base URL of the showcase, served by ``shipyard run`` on a fresh database."""
    port = free_port()
    env = _showcase_env(showcase_dir / "showcase.db", mail_dir, f"http://127.0.0.1:{port}")
    shipyard(SHOWCASE, env, "db", "upgrade")
    shipyard(SHOWCASE, env, "db", "seed")
    shipyard(SHOWCASE, env, "users", "create", CAPTAIN, "--password", PASSWORD, "--admin")
    with serving(SHOWCASE, env, port, showcase_dir / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def new_project_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One project fresh from ``shipyard new harbour``, migrated, with ``OWNER``, served."""
    parent = tmp_path_factory.mktemp("new-project")
    env = clean_env()
    shipyard(parent, env, "new", "harbour")
    project = parent / "harbour"
    assert 'AuthExtension(prefix="/account")' in (project / "app" / "main.py").read_text()
    env.update(
        SHIPYARD_PROFILE="test",
        SHIPYARD_DATABASE__URL=f"sqlite+aiosqlite:///{parent / 'harbour.db'}",
        SHIPYARD_SECURITY__CSP_PRESET="strict",
        SHIPYARD_MAIL__BACKEND="memory",
    )
    shipyard(project, env, "db", "upgrade")
    shipyard(project, env, "users", "create", OWNER, "--password", OWNER_PASSWORD)
    with serving(project, env, free_port(), parent / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (the sync API), stopped before other modules' async tests run."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium; skipped (failed in CI) when it is not installed."""
    if not CHROMIUM.exists():
        unavailable("chromium is not installed (apt-get install chromium)")
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@contextmanager
def watched_page(browser: Browser, base_url: str) -> Iterator[WatchedPage]:
    """A page in a fresh context (own cookies and storage) that records CSP violations."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(10_000)
    try:
        yield WatchedPage.attach(context.new_page())
    finally:
        context.close()


def log_in(watched: WatchedPage, email: str, password: str) -> WatchedPage:
    """Log ``watched`` in through the app's login page (``/account/login``)."""
    page = watched.page
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".nav-user")).to_have_text(email)
    return watched


@pytest.fixture
def watched(browser: Browser, showcase_url: str) -> Iterator[WatchedPage]:
    """A page of the showcase in a fresh context that records CSP violations."""
    with watched_page(browser, showcase_url) as page:
        yield page


@pytest.fixture
def visitor(browser: Browser, new_project_url: str) -> Iterator[WatchedPage]:
    """A page of the generated project in a fresh context that records CSP violations."""
    with watched_page(browser, new_project_url) as page:
        yield page


@pytest.fixture
def signed_in(watched: WatchedPage) -> WatchedPage:
    """``watched``, logged in as ``CAPTAIN`` through the login page."""
    return log_in(watched, CAPTAIN, PASSWORD)


@pytest.fixture
def api(showcase_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of the running showcase with the captain's bearer token."""
    with httpx.Client(base_url=showcase_url, timeout=10.0) as client:
        response = client.post("/auth/token", json={"email": CAPTAIN, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield client


Screenshot = Callable[[Page, str], Path]
"""The ``screenshot`` fixture: save ``page`` as ``<name>.png``, return the path."""


@pytest.fixture
def screenshot(tmp_path_factory: pytest.TempPathFactory) -> Screenshot:
    """Save a full-page screenshot named ``<name>.png`` and return its path."""
    configured = os.environ.get("SHIPYARD_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return save
