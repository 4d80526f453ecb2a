"""The providers an app offers, resolved from ``oauth.providers`` settings.

A :class:`Provider` is what the flow needs of one configured provider: its name (in the
URLs), button label, client credentials, scopes and, for the OpenID Connect kinds, the
discovery URL its endpoints and keys come from. GitHub speaks OAuth2 without OpenID
Connect: its fixed endpoints (``github_url``, ``github_api_url``) are used instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shipyard.config.models import OAuthProviderSettings, OAuthSettings

GOOGLE_DISCOVERY = "https://accounts.google.com/.well-known/openid-configuration"
MICROSOFT_DISCOVERY = (
    "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
)
OIDC_SCOPES = ("openid", "email", "profile")
GITHUB_SCOPES = ("read:user", "user:email")
LABELS = {"github": "GitHub", "google": "Google", "microsoft": "Microsoft"}

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


@dataclass(frozen=True, slots=True)
class Provider:
    """One configured provider, ready for the flow."""

    name: str
    settings: OAuthProviderSettings

    @property
    def kind(self) -> str:
        """github, google, microsoft or oidc."""
        return self.settings.kind

    @property
    def is_oidc(self) -> bool:
        """True when sign-in is OpenID Connect (an ID token), false for GitHub."""
        return self.kind != "github"

    @property
    def label(self) -> str:
        """The name on its button: the setting, the well-known name, or the config name."""
        return self.settings.label or LABELS.get(self.kind) or self.name.replace("_", " ").title()

    @property
    def client_id(self) -> str:
        """The client id registered at the provider."""
        return self.settings.client_id

    @property
    def client_secret(self) -> str:
        """The client secret (resolved from its reference by the settings loader)."""
        return self.settings.client_secret.get_secret_value()

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes asked for (``openid`` is always among them for OIDC kinds)."""
        default = OIDC_SCOPES if self.is_oidc else GITHUB_SCOPES
        scopes = self.settings.scopes or default
        return scopes if not self.is_oidc or "openid" in scopes else ("openid", *scopes)

    @property
    def discovery_url(self) -> str:
        """Where the OpenID configuration is (OIDC kinds only)."""
        if self.kind == "google":
            return self.settings.discovery_url or GOOGLE_DISCOVERY
        if self.kind == "microsoft":
            return self.settings.discovery_url or MICROSOFT_DISCOVERY.format(
                tenant=self.settings.tenant
            )
        return self.settings.discovery_url or ""

    @property
    def endpoint_bases(self) -> tuple[str, ...]:
        """The URLs the app reaches the provider under (its discovery URL or GitHub's)."""
        if self.is_oidc:
            return (self.discovery_url,)
        return (self.settings.github_url, self.settings.github_api_url)

    @property
    def github_authorize_url(self) -> str:
        """GitHub's authorization page."""
        return f"{self.settings.github_url.rstrip('/')}/login/oauth/authorize"

    @property
    def github_token_url(self) -> str:
        """GitHub's code-for-token endpoint."""
        return f"{self.settings.github_url.rstrip('/')}/login/oauth/access_token"

    @property
    def github_api_url(self) -> str:
        """GitHub's REST API base (``/user``, ``/user/emails``)."""
        return self.settings.github_api_url.rstrip("/")


def configured_providers(settings: OAuthSettings) -> dict[str, Provider]:
    """The providers of ``settings``, by name, in the order they were configured."""
    return {name: Provider(name, each) for name, each in settings.providers.items()}


def app_providers(app: AppBase) -> dict[str, Provider]:
    """The providers the app's current settings configure."""
    oauth: OAuthSettings = app.settings.oauth
    return configured_providers(oauth)


def find_provider(app: AppBase, name: str) -> Provider | None:
    """The provider called ``name``, or None."""
    return app_providers(app).get(name)
