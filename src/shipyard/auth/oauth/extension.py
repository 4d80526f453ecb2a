"""``OAuthExtension``: sign-in with the providers of the ``oauth`` settings (opt-in).

``App(extensions=[AuthExtension(), OAuthExtension()])`` mounts the start, callback and
unlink routes under ``prefix`` (default ``/auth/oauth``), publishes the provider
directory (discovery documents and keys, cached), puts ``oauth_providers`` in every
template's context (the login and register pages show a "Continue with ..." button per
provider), adds the connected-accounts section to the account page and brings the
``shipyard_oauth`` migration branch (the linked-identities table). Checks: ``oauth.W001``
(no providers), ``oauth.E001`` (deploy: a provider reached without TLS).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from shipyard.auth.oauth.discovery import DIRECTORY, ProviderDirectory
from shipyard.auth.oauth.models import OAUTH_MIGRATIONS
from shipyard.auth.oauth.pages import connected_section, oauth_pages
from shipyard.auth.oauth.providers import app_providers
from shipyard.auth.sections import register_account_section
from shipyard.core.checks import Finding
from shipyard.core.clock import Clock, utc_now
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.web.templates import register_context_processor

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch

DEFAULT_PREFIX = "/auth/oauth"


def _providers_context(request: Request) -> dict[str, Any]:
    return {"oauth_providers": list(app_providers(request.app).values())}


class OAuthExtension(Extension):
    """Sign-in, sign-up and account linking with external OAuth2 / OpenID providers.

    ``clock`` is the time sign-ins go by (tests pass a ``ManualClock``).
    """

    name = "oauth"

    def __init__(self, prefix: str = DEFAULT_PREFIX, *, clock: Clock = utc_now) -> None:
        if not prefix.startswith("/") or prefix.endswith("/") or "//" in prefix:
            raise ShipyardError(
                f"OAuthExtension prefix {prefix!r} is not a path like '/auth/oauth'",
                hint="start it with '/' and do not end it with '/'",
            )
        self.prefix = prefix
        self.clock = clock

    def setup(self, app: AppBase) -> None:
        oauth = app.settings.oauth
        DIRECTORY.provide(
            app,
            ProviderDirectory(
                max_age=oauth.metadata_max_age, timeout=oauth.http_timeout, clock=self.clock
            ),
        )
        app.include_router(oauth_pages, prefix=self.prefix)
        register_context_processor(app, _providers_context)
        register_account_section(app, connected_section)

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return (OAUTH_MIGRATIONS,)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        providers = app_providers(app)
        if not providers:
            yield Finding(
                "oauth.W001",
                "warning",
                "OAuthExtension is on but oauth.providers is empty: no sign-in button shows",
                "add [oauth.providers.<name>] (shipyard scaffold oauth2 github) or drop the "
                "extension",
            )
        if deploy:
            for provider in providers.values():
                plain = [url for url in provider.endpoint_bases if not url.startswith("https://")]
                if plain:
                    yield Finding(
                        "oauth.E001",
                        "error",
                        f"oauth.providers.{provider.name} talks to {plain[0]} without TLS: "
                        "codes, tokens and keys would travel in the clear",
                        "use the provider's https:// URL",
                    )
