"""Web-layer sections: static files and templates, sessions, CSRF, security headers, CORS."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class WebSettings(Section):
    """Templates, static files (docs/templates-and-htmx.md) and the body limit (docs/forms.md)."""

    static_url: str = Field(
        default="/static",
        pattern=r"^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$",
        description="URL prefix the framework serves static files under; no trailing slash.",
    )
    templates_auto_reload: bool | None = Field(
        default=None, description="Re-read changed templates; defaults to on in development only."
    )
    layout: str = Field(
        default="layouts/base.html",
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9._/-]*\.html$",
        description="The base template every framework page (accounts, errors, jobs "
        "dashboard, cookbook) extends; it must define {% block main %}.",
    )
    static_max_age: int = Field(
        default=0, ge=0, description="Cache lifetime (s) of static URLs without a content hash."
    )
    max_body_size: int = Field(
        default=2_621_440,
        ge=0,
        description="Largest request body in bytes (2.5 MiB), any content type; 413 above "
        "it. Upload routes raise it with FastAPI's max_body_size= on the route or router.",
    )


class SessionSettings(Section):
    """Server-side sessions: the store, and the cookie that carries the signed session id."""

    backend: Literal["database", "redis"] = Field(
        default="database", description="Where sessions are stored: the app database or Redis."
    )
    cookie_name: str = Field(
        default="shipyard_session", description="Name of the signed session-id cookie."
    )
    max_age: int = Field(
        default=14 * 24 * 3600, ge=60, description="Idle lifetime in seconds (sliding)."
    )
    touch_interval: int = Field(
        default=300, ge=0, description="Renew the expiry at most this often (seconds)."
    )
    secure: bool | None = Field(
        default=None, description="Secure cookie flag; defaults to on in production only."
    )
    same_site: Literal["lax", "strict", "none"] = Field(
        default="lax", description="SameSite attribute of the session cookie."
    )
    domain: str | None = Field(
        default=None, description="Cookie domain; unset means the current host only."
    )
    max_size: int = Field(default=64 * 1024, ge=256, description="Max JSON bytes per session.")
    redis_url: SecretStr = Field(
        default=SecretStr("redis://127.0.0.1:6379/0"),
        description="Redis server for sessions.backend = redis.",
    )
    redis_prefix: str = Field(
        default="shipyard:session:", description="Key prefix of sessions in Redis."
    )
    private_cache_control: str | None = Field(
        default="no-store",
        min_length=1,
        description="Cache-Control of responses that depend on the session or on credentials "
        "(sent with Vary: Cookie or the credential header); null: leave responses alone.",
    )


class CsrfSettings(Section):
    """Cross-site request forgery protection for cookie-authenticated unsafe requests."""

    enabled: bool = Field(
        default=True, description="Check CSRF tokens on cookie-authenticated unsafe requests."
    )
    field_name: str = Field(
        default="csrf_token", description="Form field that carries the CSRF token."
    )
    header_name: str = Field(
        default="X-CSRF-Token",
        description="Request header that carries the CSRF token (htmx, scripts).",
    )
    exempt_paths: list[str] = Field(
        default_factory=list, description="Exact paths, or prefixes ending in `*`."
    )
    trusted_origins: list[str] = Field(
        default_factory=list, description="Other origins allowed to post, e.g. https://a.b."
    )
    max_body_size: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Bytes of a form held in memory while looking for the token field (the "
        "whole body is capped by web.max_body_size).",
    )


class SecurityHeadersSettings(Section):
    """Response security headers: CSP (with a per-request nonce), HSTS and friends."""

    enabled: bool = Field(
        default=True, description="Send the security headers (CSP, HSTS, frame options...)."
    )
    csp_preset: Literal["strict", "development"] | None = Field(
        default=None, description="Defaults to `strict` in production, else `development`."
    )
    csp: dict[str, str] = Field(
        default_factory=dict, description="Directive overrides; an empty value removes one."
    )
    hsts: bool | None = Field(default=None, description="Defaults to on in production only.")
    hsts_max_age: int = Field(
        default=63_072_000, ge=0, description="Seconds browsers remember to use HTTPS only."
    )
    hsts_include_subdomains: bool = Field(default=True, description="HSTS covers subdomains too.")
    hsts_preload: bool = Field(
        default=False, description="Ask to be put on browsers' HSTS preload list."
    )
    referrer_policy: str = Field(
        default="strict-origin-when-cross-origin", description="Referrer-Policy header value."
    )
    permissions_policy: str = Field(
        default="camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        description="Permissions-Policy header value.",
    )
    cross_origin_opener_policy: str = Field(
        default="same-origin", description="Cross-Origin-Opener-Policy header value."
    )
    frame_options: str = Field(
        default="DENY", description="X-Frame-Options header value (DENY or SAMEORIGIN)."
    )


class CorsSettings(Section):
    """Cross-origin resource sharing; nothing is installed while no origin is configured."""

    allow_origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed to call the app from browsers; empty disables CORS.",
    )
    allow_origin_regex: str | None = Field(
        default=None, description="A regular expression of allowed origins."
    )
    allow_methods: list[str] = Field(
        description="Methods allowed in cross-origin requests.",
        default_factory=lambda: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    )
    allow_headers: list[str] = Field(
        default_factory=list, description="Request headers allowed in cross-origin requests."
    )
    allow_credentials: bool = Field(
        default=False, description="Allow cookies and credentials on cross-origin requests."
    )
    expose_headers: list[str] = Field(
        default_factory=list, description="Response headers cross-origin scripts may read."
    )
    max_age: int = Field(
        default=600, ge=0, description="Seconds browsers cache a preflight answer."
    )
