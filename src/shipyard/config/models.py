"""The typed settings tree: one section per subsystem, validated by pydantic.

Apps add their own sections by subclassing :class:`Settings`::

    class MySettings(Settings):
        billing: BillingSettings = BillingSettings()

Unknown keys are errors (they are nearly always typos), so every section forbids extras.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production
"""The default secret key: fine on a laptop, refused by the production profile."""


class Section(BaseModel):
    """Base for every settings section: strict about unknown keys, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSettings(Section):
    """Identity of the application and its development switches."""

    name: str = "Shipyard app"
    debug: bool = False
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET_KEY),
        description="Signs sessions and tokens. Set a long random value outside development.",
    )
    plugins_autoload: bool = Field(
        default=True,
        description="Load every installed `shipyard.plugins` entry point at start-up.",
    )
    disabled_plugins: list[str] = Field(default_factory=list)


class DatabaseSettings(Section):
    """The SQLAlchemy engine: SQLite under var/ by default, PostgreSQL in production."""

    url: SecretStr = SecretStr("sqlite+aiosqlite:///var/app.db")
    echo: bool = False
    pool_size: int = Field(default=5, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    pool_timeout: float = Field(default=30.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    migrations_dir: Path = Path("migrations")


class ServerSettings(Section):
    """How `shipyard dev` and `shipyard run` serve the app."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=0, ge=0, description="0 means one worker per CPU core.")
    server: Literal["uvicorn", "granian"] = "uvicorn"
    graceful_timeout: float = Field(default=10.0, ge=0)
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"


class ConfigSettings(Section):
    """How configuration itself behaves."""

    hot_reload: bool | None = Field(
        default=None, description="Watch config files; defaults to on in development only."
    )
    secrets_dir: Path | None = Field(
        default=None, description="A directory holding one file per key (Docker/Kubernetes)."
    )
    aws_region: str | None = None
    aws_endpoint_url: str | None = None


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


class Settings(Section):
    """The whole effective configuration of one Shipyard app."""

    profile: str = "development"
    app: AppSettings = AppSettings()
    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    config: ConfigSettings = ConfigSettings()
    web: WebSettings = WebSettings()
    sessions: SessionSettings = SessionSettings()
    csrf: CsrfSettings = CsrfSettings()
    security: SecurityHeadersSettings = SecurityHeadersSettings()
    cors: CorsSettings = CorsSettings()

    @property
    def is_production(self) -> bool:
        """True for the `production` profile, where debug aids are never on."""
        return self.profile == "production"
