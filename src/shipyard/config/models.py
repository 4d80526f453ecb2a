"""The typed settings tree: one section per subsystem, validated by pydantic.

Apps add their own sections by subclassing :class:`Settings`::

    class MySettings(Settings):
        billing: BillingSettings = BillingSettings()

Unknown keys are errors (they are nearly always typos), so every section forbids extras.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105  # nosec B105
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
    server: Literal["uvicorn", "granian"] = Field(
        default="granian", description="Production server of `shipyard run` (see decisions)."
    )
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


class AuthSettings(Section):
    """User accounts: password hashing and policy, login sessions, emailed-link lifetimes."""

    argon2_time_cost: int = Field(default=2, ge=1, description="Argon2id iterations (OWASP: 2).")
    argon2_memory_cost: int = Field(
        default=19_456, ge=8, description="Argon2id memory in KiB (OWASP: 19456 = 19 MiB)."
    )
    argon2_parallelism: int = Field(default=1, ge=1, description="Argon2id lanes (OWASP: 1).")
    password_min_length: int = Field(default=12, ge=1)
    password_max_length: int = Field(default=1024, ge=8, description="Longer is refused.")
    reject_common_passwords: bool = Field(
        default=True, description="Refuse the ~10,000 most common passwords (offline list)."
    )
    session_max_age: int = Field(
        default=12 * 3600,
        ge=60,
        description="Idle lifetime of a login without 'remember me' (browser-session cookie).",
    )
    remember_max_age: int = Field(
        default=14 * 24 * 3600,
        ge=60,
        description="Idle lifetime with 'remember me' (capped at sessions.max_age).",
    )
    login_url: str | None = Field(
        default=None, description="Where anonymous browsers are sent; default: AuthExtension's."
    )
    login_redirect: str = "/"
    logout_redirect: str = "/"
    require_verified_email: bool = Field(
        default=False, description="Refuse to log in users whose address is not verified."
    )
    verify_token_max_age: int = Field(default=3 * 24 * 3600, ge=60)
    reset_token_max_age: int = Field(default=3600, ge=60)
    email_change_token_max_age: int = Field(default=24 * 3600, ge=60)


class MailSettings(Section):
    """Outgoing mail: which backend sends it and the default sender."""

    backend: Literal["console", "file", "memory"] = "console"
    from_address: str = "Shipyard <noreply@localhost>"
    file_dir: Path = Field(
        default=Path("var/mail"), description="The file backend's folder (relative: to root)."
    )


TokenAlgorithm = Literal[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"
]


class SigningKeySettings(Section):
    """One JWT signing key: an HMAC secret (HS*) or a PEM key pair (RS*/PS*/ES*/EdDSA)."""

    kid: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Key id (`kid` header).")
    secret: SecretStr | None = Field(default=None, description="HS* only: 32+ random bytes.")
    private_key: SecretStr | None = Field(
        default=None, description="PEM private key; omit it on a retired key (verify only)."
    )
    public_key: str | None = Field(
        default=None, description="PEM public key; derived from private_key when omitted."
    )
    current: bool = Field(default=False, description="New tokens are signed with this key.")


class ApiKeySettings(Section):
    """API keys sent in a header (see docs/api-tokens.md)."""

    header_name: str = "X-API-Key"
    prefix: str = Field(default="sk_", pattern=r"^[A-Za-z0-9]{1,16}_$")
    touch_interval: int = Field(
        default=60, ge=0, description="Update last_used_at at most this often (seconds)."
    )


class TokenSettings(Section):
    """API tokens: JWT access tokens, rotating refresh tokens, the denylist, API keys."""

    algorithm: TokenAlgorithm = Field(
        default="HS256", description="The only algorithm accepted; every key must fit it."
    )
    keys: list[SigningKeySettings] = Field(
        default_factory=list,
        description="Signing keys, exactly one `current`; empty: an HS256 key derived "
        "from app.secret_key.",
    )
    issuer: str = "shipyard"
    audience: str = "shipyard-api"
    access_ttl: int = Field(default=15 * 60, ge=10, description="Access token lifetime (s).")
    refresh_ttl: int = Field(
        default=30 * 24 * 3600, ge=60, description="Refresh token lifetime (s)."
    )
    refresh_reuse_grace: float = Field(
        default=5.0,
        ge=0,
        description="A spent refresh token reused within this many seconds (a client's "
        "concurrent refresh) is refused without revoking its family; 0 = always revoke.",
    )
    leeway: int = Field(default=0, ge=0, le=300, description="Clock skew allowed (s).")
    denylist: Literal["database", "redis"] = "database"
    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    redis_prefix: str = "shipyard:revoked-jti:"
    api_keys: ApiKeySettings = ApiKeySettings()

    @model_validator(mode="after")
    def _one_current_key(self) -> TokenSettings:
        kids = [key.kid for key in self.keys]
        if len(set(kids)) != len(kids):
            raise ValueError("tokens.keys: every kid must be unique")
        current = [key.kid for key in self.keys if key.current]
        if self.keys and len(current) != 1:
            raise ValueError(
                f"tokens.keys: exactly one key must have current = true (found {len(current)})"
            )
        return self


class RateLimitSettings(Section):
    """Rate limiting (see docs/rate-limiting.md): storage, strategy and the global limits.

    Limits are strings the ``limits`` library parses: ``"60/minute"``, ``"10 per 15 minutes"``.
    """

    enabled: bool = True
    storage: Literal["memory", "redis"] = Field(
        default="memory", description="`redis` shares counters between worker processes."
    )
    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    key_prefix: str = "shipyard:ratelimit"
    strategy: Literal["moving-window", "fixed-window"] = "moving-window"
    user: str | None = Field(
        default="120/minute", description="Global limit per signed-in user; null turns it off."
    )
    ip: str | None = Field(
        default="60/minute", description="Global limit per client IP for anonymous requests."
    )
    named: dict[str, str] = Field(
        default_factory=lambda: {"auth": "30/minute"},
        description='Limits routes use by name: `RateLimit.named("auth")`.',
    )
    account: str = Field(
        default="10 per 15 minutes",
        description="Per-account limit on login and reset attempts (credential stuffing).",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxy IPs/CIDRs whose X-Forwarded-For names the client; none by default.",
    )
    exempt_paths: list[str] = Field(
        default_factory=list, description="Exact paths, or prefixes ending in `*`, never limited."
    )
    headers: bool = Field(default=True, description="Send the RateLimit-* response headers.")
    fail_open: bool = Field(
        default=True, description="Admit requests (and log) when the storage is unreachable."
    )

    @field_validator("user", "ip", "account")
    @classmethod
    def _one_limit(cls, value: str | None) -> str | None:
        from shipyard.security.ratelimit.rules import check_limit

        return None if value is None else check_limit(value)

    @field_validator("named")
    @classmethod
    def _named_limits(cls, value: dict[str, str]) -> dict[str, str]:
        from shipyard.security.ratelimit.rules import check_limit

        return {name: check_limit(limit) for name, limit in value.items()}

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        from shipyard.security.ratelimit.rules import check_network

        return [check_network(entry) for entry in value]


API_VERSION_PATTERN = r"^[0-9a-z][0-9a-z._-]{0,31}$"
"""An API version token: lowercase letters, digits, ``.``, ``_``, ``-`` (``2``, ``2024-06-01``)."""


def _utc(value: object) -> object:
    """TOML dates (midnight) and naive datetimes are read as UTC."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(), tzinfo=UTC)
    return value


class DeprecationPolicy(Section):
    """How a deprecated API version is announced (RFC 9745 and RFC 8594 headers)."""

    since: datetime = Field(description="Deprecated since (the `Deprecation` header date).")
    sunset: datetime | None = Field(
        default=None, description="When the version stops answering (the `Sunset` header)."
    )
    successor: str | None = Field(
        default=None, description="The version to move to (`Link: rel=successor-version`)."
    )
    link: str | None = Field(
        default=None, description="A page explaining the deprecation (`Link: rel=deprecation`)."
    )

    @field_validator("since", "sunset", mode="before")
    @classmethod
    def _date_as_datetime(cls, value: object) -> object:
        return _utc(value)

    @field_validator("since", "sunset")
    @classmethod
    def _naive_as_utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @model_validator(mode="after")
    def _sunset_after_since(self) -> DeprecationPolicy:
        if self.sunset is not None and self.sunset < self.since:
            raise ValueError("sunset must not be earlier than since")
        return self


class ApiSettings(Section):
    """JSON API versioning and problem types (see docs/api-versioning.md)."""

    vendor: str = Field(
        default="shipyard",
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="The `<vendor>` of `application/vnd.<vendor>.v2+json`.",
    )
    versions: list[str] = Field(
        default_factory=lambda: ["1"], min_length=1, description="Known versions, oldest first."
    )
    default_version: str = Field(
        default="1", description="Served when the request names no version."
    )
    deprecated: dict[str, DeprecationPolicy] = Field(
        default_factory=dict, description="Deprecated versions and how to announce them."
    )
    mode: Literal["header", "path", "both"] = Field(
        default="header", description="Version from `Accept`, from a `/v2/` URL prefix, or both."
    )
    path_prefix: str = Field(
        default="",
        pattern=r"^(/[A-Za-z0-9._~-]+)*$",
        description="Where the `/v<n>` segment goes in path mode: `/api` serves the route "
        "`/api/ships` at `/api/v2/ships`; empty: at the front (`/v2/api/ships`).",
    )
    openapi_url: str | None = Field(
        default="/openapi/v{version}.json",
        pattern=r"^/.*\{version\}.*$",
        description="Per-version OpenAPI documents (ApiVersioning extension); null: none.",
    )
    problem_base_uri: str = Field(
        default="https://shipyard.dev/problems/",
        pattern=r"^https?://[^\s?#]+/$",
        description="Base of the problem `type` URIs; must end with `/`.",
    )

    @field_validator("versions")
    @classmethod
    def _version_tokens(cls, value: list[str]) -> list[str]:
        for version in value:
            if not re.match(API_VERSION_PATTERN, version):
                raise ValueError(
                    f"api.versions: {version!r} is not a version token "
                    "(lowercase letters, digits, '.', '_', '-'; e.g. \"2\")"
                )
        if len(set(value)) != len(value):
            raise ValueError("api.versions: every version must be listed once")
        return value

    @model_validator(mode="after")
    def _known_versions(self) -> ApiSettings:
        known = set(self.versions)
        if self.default_version not in known:
            raise ValueError(
                f"api.default_version {self.default_version!r} is not in api.versions "
                f"{self.versions}"
            )
        for version, policy in self.deprecated.items():
            if version not in known:
                raise ValueError(f"api.deprecated: {version!r} is not in api.versions")
            if policy.successor is not None and (
                policy.successor not in known or policy.successor == version
            ):
                raise ValueError(
                    f"api.deprecated.{version}.successor must be another of {self.versions}"
                )
        return self


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
    ratelimit: RateLimitSettings = RateLimitSettings()
    auth: AuthSettings = AuthSettings()
    mail: MailSettings = MailSettings()
    tokens: TokenSettings = TokenSettings()
    api: ApiSettings = ApiSettings()

    @property
    def is_production(self) -> bool:
        """True for the `production` profile, where debug aids are never on."""
        return self.profile == "production"
