"""OAuth test fixtures: the real OpenID provider, the local GitHub, an app using both.

``oidc`` (session): ``oidc-provider`` under Node with the test client registered for
``http://testserver/auth/oauth/local/callback``. ``github`` (session): the local GitHub.
``oauth`` (per test): an :class:`~tests.auth.support.AuthHarness` on an app with
``AuthExtension`` and ``OAuthExtension`` offering ``local`` (OIDC) and ``github``, on
SQLite; ``oauth_db`` the same on each backend (SQLite, PostgreSQL); ``make_oauth``
builds more (other settings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.auth.conftest import FAST_ARGON2
from tests.auth.support import AuthHarness, demo_routes
from tests.db.backends import BACKENDS, backend_url
from tests.db.conftest import postgres_database_url, postgres_databases
from tests.oauth import github as github_server
from tests.oauth import oidc as oidc_server
from tests.oauth.github import FakeGitHub, running_github
from tests.oauth.oidc import OidcProvider, running_provider

from shipyard import App, Settings
from shipyard.auth import AuthExtension
from shipyard.auth.oauth import OAuthExtension
from shipyard.core.clock import Clock, utc_now

__all__ = ["postgres_database_url", "postgres_databases"]

CALLBACK = "http://testserver/auth/oauth/local/callback"


@pytest.fixture(scope="session")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    with running_provider([CALLBACK], tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture(scope="session")
def github() -> Iterator[FakeGitHub]:
    with running_github() as server:
        yield server


def providers(oidc: OidcProvider, github: FakeGitHub) -> dict[str, Any]:
    """The ``oauth.providers`` settings of the test app."""
    return {
        "local": {
            "kind": "oidc",
            "label": "Local ID",
            "client_id": oidc_server.CLIENT_ID,
            "client_secret": oidc_server.CLIENT_SECRET,
            "discovery_url": oidc.discovery_url,
        },
        "github": {
            "kind": "github",
            "client_id": github_server.CLIENT_ID,
            "client_secret": github_server.CLIENT_SECRET,
            "github_url": github.url,
            "github_api_url": github.url,
        },
    }


@pytest.fixture
def make_oauth(
    tmp_path: Path, oidc: OidcProvider, github: FakeGitHub
) -> Iterator[Callable[..., AuthHarness]]:
    opened: list[AuthHarness] = []

    def factory(
        url: str | None = None,
        oauth: dict[str, Any] | None = None,
        clock: Clock = utc_now,
        **sections: Any,
    ) -> AuthHarness:
        settings = Settings.model_validate(
            {
                "profile": "test",
                "database": {"url": url or f"sqlite+aiosqlite:///{tmp_path / 'oauth.db'}"},
                "mail": {"backend": "memory"},
                "auth": FAST_ARGON2,
                "oauth": {"providers": providers(oidc, github), **(oauth or {})},
                **sections,
            }
        )
        app = App(
            settings=settings,
            root=tmp_path,
            extensions=[AuthExtension(prefix="/account"), OAuthExtension(clock=clock)],
        )
        demo_routes(app)
        harness = AuthHarness.start(app)
        opened.append(harness)
        return harness

    yield factory
    for harness in opened:
        harness.close()


@pytest.fixture
def oauth(make_oauth: Callable[..., AuthHarness]) -> AuthHarness:
    """The app on SQLite."""
    return make_oauth()


@pytest.fixture(params=BACKENDS)
def oauth_db(
    request: pytest.FixtureRequest, make_oauth: Callable[..., AuthHarness], tmp_path: Path
) -> AuthHarness:
    """The app on each database backend (SQLite, the throwaway PostgreSQL one)."""
    return make_oauth(backend_url(request, tmp_path / "oauth.db"))
