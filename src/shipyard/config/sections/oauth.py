"""The ``oauth`` section: sign-in providers (GitHub, Google, Microsoft, any OpenID Connect)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from shipyard.config.sections.base import Section

ProviderKind = Literal["github", "google", "microsoft", "oidc"]
PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
RESERVED_PARAMS = frozenset(
    {
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    }
)


class OAuthProviderSettings(Section):
    """One provider users may sign in with (``[oauth.providers.<name>]``)."""

    kind: ProviderKind = Field(
        description="github (OAuth2 + GitHub's API), google, microsoft (Entra ID) or oidc "
        "(any OpenID Connect provider, by discovery_url)."
    )
    client_id: str = Field(min_length=1, description="The client (application) id.")
    client_secret: SecretStr = Field(
        description="The client secret; use a secret:// reference, never the value itself."
    )
    label: str | None = Field(
        default=None, description='Button text after "Continue with"; null: from the kind.'
    )
    scopes: tuple[str, ...] | None = Field(
        default=None,
        description="Scopes asked for; null: openid email profile (OIDC kinds), "
        "read:user user:email (github).",
    )
    authorize_params: dict[str, str] = Field(
        default_factory=dict,
        description='Extra authorization parameters, e.g. {access_type = "offline", prompt = '
        '"consent"} for a Google refresh token.',
    )
    discovery_url: str | None = Field(
        default=None,
        description="The OpenID configuration URL (…/.well-known/openid-configuration); "
        "required by oidc, preset for google and microsoft.",
    )
    tenant: str = Field(
        default="common",
        description="microsoft: the Entra tenant (id, domain, common, organizations, consumers).",
    )
    github_url: str = Field(
        default="https://github.com",
        description="github: where authorize and access_token live (GitHub Enterprise: "
        "its own host).",
    )
    github_api_url: str = Field(
        default="https://api.github.com", description="github: the REST API's base URL."
    )

    @field_validator("authorize_params")
    @classmethod
    def _not_reserved(cls, value: dict[str, str]) -> dict[str, str]:
        taken = sorted(RESERVED_PARAMS & value.keys())
        if taken:
            raise ValueError(f"{', '.join(taken)}: set by the sign-in flow itself")
        return value

    @model_validator(mode="after")
    def _oidc_has_discovery(self) -> OAuthProviderSettings:
        if self.kind == "oidc" and not self.discovery_url:
            raise ValueError("an oidc provider needs discovery_url (its openid-configuration)")
        return self


class OAuthSettings(Section):
    """Sign-in with external providers (docs/oauth.md); needs OAuthExtension."""

    providers: dict[str, OAuthProviderSettings] = Field(
        default_factory=dict,
        description="Providers by name (the name is in the URLs: /auth/oauth/<name>/…).",
    )
    signup: bool = Field(
        default=True, description="Let a provider identity with no account create one."
    )
    state_max_age: int = Field(
        default=600, ge=30, description="Seconds a started sign-in may take to come back."
    )
    http_timeout: float = Field(
        default=10.0, gt=0, description="Seconds per request to a provider."
    )
    metadata_max_age: int = Field(
        default=3600,
        ge=0,
        description="Seconds a provider's discovery document and keys are cached (an "
        "unknown key id fetches the keys again at once).",
    )

    @field_validator("providers")
    @classmethod
    def _names(cls, value: dict[str, OAuthProviderSettings]) -> dict[str, OAuthProviderSettings]:
        for name in value:
            if not PROVIDER_NAME.fullmatch(name):
                raise ValueError(
                    f"provider name {name!r}: use lower-case letters, digits, - and _ "
                    "(it is part of the callback URL)"
                )
        return value
