"""Web-layer sections: static files and templates, sessions, CSRF, security headers, CORS."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class WebSettings(Section):
    """Templates and static files (see docs/templates-and-htmx.md)."""

    static_url: str = Field(
        default="/static",
        pattern=r"^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$",
        description="URL prefix the framework serves static files under; no trailing slash.",
    )
    templates_auto_reload: bool | None = Field(
        default=None, description="Re-read changed templates; defaults to on in development only."
    )
    static_max_age: int = Field(
        default=0, ge=0, description="Cache lifetime (s) of static URLs without a content hash."
    )


class SessionSettings(Section):
    """Server-side sessions: the store, and the cookie that carries the signed session id."""

    backend: Literal["database", "redis"] = "database"
    cookie_name: str = "shipyard_session"
    max_age: int = Field(
        default=14 * 24 * 3600, ge=60, description="Idle lifetime in seconds (sliding)."
    )
    touch_interval: int = Field(
        default=300, ge=0, description="Renew the expiry at most this often (seconds)."
    )
    secure: bool | None = Field(
        default=None, description="Secure cookie flag; defaults to on in production only."
    )
    same_site: Literal["lax", "strict", "none"] = "lax"
    domain: str | None = None
    max_size: int = Field(default=64 * 1024, ge=256, description="Max JSON bytes per session.")
    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    redis_prefix: str = "shipyard:session:"
    create_table: bool = Field(
        default=True, description="Create the shipyard_sessions table on first use if missing."
    )


class CsrfSettings(Section):
    """Cross-site request forgery protection for cookie-authenticated unsafe requests."""

    enabled: bool = True
    field_name: str = "csrf_token"
    header_name: str = "X-CSRF-Token"
    exempt_paths: list[str] = Field(
        default_factory=list, description="Exact paths, or prefixes ending in `*`."
    )
    trusted_origins: list[str] = Field(
        default_factory=list, description="Other origins allowed to post, e.g. https://a.b."
    )
    max_body_size: int = Field(
        default=1024 * 1024, ge=1024, description="Bytes read while looking for the field."
    )


class SecurityHeadersSettings(Section):
    """Response security headers: CSP (with a per-request nonce), HSTS and friends."""

    enabled: bool = True
    csp_preset: Literal["strict", "development"] | None = Field(
        default=None, description="Defaults to `strict` in production, else `development`."
    )
    csp: dict[str, str] = Field(
        default_factory=dict, description="Directive overrides; an empty value removes one."
    )
    hsts: bool | None = Field(default=None, description="Defaults to on in production only.")
    hsts_max_age: int = Field(default=63_072_000, ge=0)
    hsts_include_subdomains: bool = True
    hsts_preload: bool = False
    referrer_policy: str = "strict-origin-when-cross-origin"
    permissions_policy: str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    cross_origin_opener_policy: str = "same-origin"
    frame_options: str = "DENY"


class CorsSettings(Section):
    """Cross-origin resource sharing; nothing is installed while no origin is configured."""

    allow_origins: list[str] = Field(default_factory=list)
    allow_origin_regex: str | None = None
    allow_methods: list[str] = Field(
        default_factory=lambda: ["GET", "POST", "PUT", "PATCH", "DELETE"]
    )
    allow_headers: list[str] = Field(default_factory=list)
    allow_credentials: bool = False
    expose_headers: list[str] = Field(default_factory=list)
    max_age: int = Field(default=600, ge=0)
