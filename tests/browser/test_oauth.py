"""issue 20's browser test: sign up with the local OpenID provider, sign out, sign in
again, connect GitHub (the local one), disconnect it; all under the strict CSP.

The app runs in this process (uvicorn in a thread) with ``AuthExtension`` and
``OAuthExtension``; the OpenID provider is the real ``oidc-provider`` started for this
module (its test client allows this server's callback), GitHub the local one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine
from tests.browser.conftest import Screenshot, watched_page
from tests.oauth.conftest import providers
from tests.oauth.github import running_github
from tests.oauth.oidc import running_provider

from shipyard import App, Settings
from shipyard.auth import AuthExtension
from shipyard.auth.oauth import OAuthExtension
from shipyard.testing.schema import create_tables
from shipyard.testing.services import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def oauth_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app's URL, with the provider and GitHub running."""
    folder = tmp_path_factory.mktemp("oauth-site")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = folder / "app.db"
    with (
        running_provider([f"{url}/auth/oauth/local/callback"], folder) as oidc,
        running_github() as github,
    ):
        settings = Settings.model_validate(
            {
                "profile": "test",
                "app": {"base_url": url},
                "database": {"url": f"sqlite+aiosqlite:///{database}"},
                "mail": {"backend": "memory"},
                "security": {"csp_preset": "strict"},
                "auth": {
                    "login_redirect": "/account/",
                    "logout_redirect": "/account/login",
                    "argon2_time_cost": 1,
                    "argon2_memory_cost": 8,
                },
                "oauth": {"providers": providers(oidc, github)},
            }
        )
        app = App(
            settings=settings,
            root=folder,
            extensions=[AuthExtension(prefix="/account"), OAuthExtension()],
        )
        engine = create_engine(f"sqlite:///{database}")
        with engine.begin() as connection:
            create_tables(connection)
        engine.dispose()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            yield url
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _at_provider(page: Page, login: str) -> None:
    """Sign in and consent at the OpenID provider (skipped steps it remembers)."""
    page.wait_for_url(lambda url: "/interaction/" in url or "/account/" in url)
    if page.locator("input[name=login]").count():
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill("any password")
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_url(lambda url: "/interaction/" in url or "/account/" in url)
    consent = page.get_by_role("button", name="Continue", exact=True)
    if "/interaction/" in page.url and consent.count():
        consent.click()


def test_sign_up_sign_out_sign_in_link_and_unlink(
    browser: Browser, oauth_site: str, screenshot: Screenshot
) -> None:
    with watched_page(browser, oauth_site) as watched:
        page = watched.page
        page.goto("/account/register")
        expect(page.get_by_role("link", name="Continue with Local ID")).to_be_visible()
        screenshot(page, "oauth-register")
        page.get_by_role("link", name="Continue with Local ID").click()
        _at_provider(page, "bo")
        expect(page.locator("h1")).to_have_text("Your account")
        expect(page.locator("#account-email")).to_contain_text("bo@example.test (confirmed)")
        expect(page.locator("#connected-local")).to_contain_text("Connected as bo@example.test")
        screenshot(page, "oauth-account-signed-up")

        page.get_by_role("button", name="Log out").click()
        expect(page.locator("h1")).to_have_text("Log in")
        screenshot(page, "oauth-login")
        page.get_by_role("link", name="Continue with Local ID").click()
        _at_provider(page, "bo")
        expect(page.locator("#account-email")).to_contain_text("bo@example.test")

        page.get_by_role("link", name="Connect GitHub").click()
        expect(page.locator("h1")).to_have_text("Authorize application")
        page.get_by_label("GitHub login").fill("bo-gh")
        page.get_by_role("button", name="Authorize").click()
        expect(page.locator("#connected-github")).to_contain_text("Connected as bo-gh@example.test")
        screenshot(page, "oauth-account-linked")

        page.locator("#connected-github").get_by_role("button", name="Disconnect").click()
        expect(page.locator("#connected-github")).to_contain_text("Not connected")
        expect(page.locator(".flash-success")).to_contain_text("GitHub is disconnected.")
        expect(
            page.locator("#connected-local").get_by_role("button", name="Disconnect")
        ).to_be_disabled()
        screenshot(page, "oauth-account-unlinked")
        watched.assert_no_csp_violations()
