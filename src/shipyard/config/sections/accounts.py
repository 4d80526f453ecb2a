"""Accounts and API security sections: users and mail, API tokens and keys, rate limits."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from shipyard.config.sections.base import Section
from shipyard.config.sections.mail_providers import (
    MailTrackingSettings,
    PostmarkSettings,
    ResendSettings,
    SendgridSettings,
    SesSettings,
)

MailBackendName = Literal[
    "console", "file", "memory", "smtp", "ses", "sendgrid", "resend", "postmark"
]
"""The built-in mail backends (``failover`` and ``custom`` aside)."""


class AuthSettings(Section):
    """User accounts: password hashing and policy, login sessions, emailed-link lifetimes."""

    argon2_time_cost: int = Field(default=2, ge=1, description="Argon2id iterations (OWASP: 2).")
    argon2_memory_cost: int = Field(
        default=19_456, ge=8, description="Argon2id memory in KiB (OWASP: 19456 = 19 MiB)."
    )
    argon2_parallelism: int = Field(default=1, ge=1, description="Argon2id lanes (OWASP: 1).")
    hash_concurrency: int | None = Field(
        default=None,
        ge=1,
        description="Password hashes and checks run at once, in threads off the event loop "
        "(more wait their turn); null: the CPUs the process may use, but one (at least 1).",
    )
    password_min_length: int = Field(default=12, ge=1, description="Shortest password accepted.")
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
    login_redirect: str = Field(
        default="/", description="Where a successful login goes when no next page is given."
    )
    logout_redirect: str = Field(default="/", description="Where logging out goes.")
    require_verified_email: bool = Field(
        default=False, description="Refuse to log in users whose address is not verified."
    )
    new_sign_in_mail: bool = Field(
        default=True,
        description="Mail the account's owner when it logs in from a browser it was never "
        "used from (a signed cookie remembers the browsers that did).",
    )
    verify_token_max_age: int = Field(
        default=3 * 24 * 3600, ge=60, description="Seconds an email-verification link stays valid."
    )
    reset_token_max_age: int = Field(
        default=3600, ge=60, description="Seconds a password-reset link stays valid."
    )
    email_change_token_max_age: int = Field(
        default=24 * 3600,
        ge=60,
        description="Seconds an email-change confirmation link stays valid.",
    )


class AuthzSettings(Section):
    """Object-level authorization: what happens when no policy answers (docs/policies.md)."""

    missing_policy: Literal["deny", "allow"] = Field(
        default="deny",
        description="A model without a policy, or a policy without the action asked: deny "
        "(the default, least privilege) or allow (a warning is logged each time).",
    )
    log_denials: bool = Field(
        default=True,
        description="Log each denial as a structured `authorization denied` event "
        "(who, action, object, reason).",
    )


class SmtpSettings(Section):
    """The SMTP server the smtp mail backend sends through (docs/mail.md)."""

    host: str = Field(default="", description="SMTP server name or address; required by smtp.")
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="SMTP port; null: 465 with security = tls, 587 with starttls, 25 without.",
    )
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="starttls: upgrade a plain connection (port 587); tls: TLS from the "
        "first byte (port 465); none: no encryption (a local relay only).",
    )
    username: str | None = Field(default=None, description="Login name (AUTH); null: no login.")
    password: SecretStr | None = Field(
        default=None, description="Password for username; use a secret:// reference."
    )
    timeout: float = Field(default=30.0, gt=0, description="Seconds per SMTP operation.")
    keepalive: float = Field(
        default=10.0,
        ge=0,
        description="Seconds a connection stays open after a send, for the next one (queued "
        "mail reuses it); 0: one connection per send or batch.",
    )
    pool_size: int = Field(
        default=10, ge=1, le=1000, description="Idle connections kept open at most."
    )
    ca_file: Path | None = Field(
        default=None,
        description="PEM bundle of the CAs to trust for the server's certificate (a private "
        "CA); null: the system's. Relative: to the project root.",
    )

    @model_validator(mode="after")
    def _login_is_complete(self) -> SmtpSettings:
        if (self.username is None) != (self.password is None):
            missing = "mail.smtp.password" if self.password is None else "mail.smtp.username"
            raise ValueError(
                f"{missing} is not set: SMTP login needs both mail.smtp.username and "
                "mail.smtp.password (or neither, for a server without login)"
            )
        return self

    @property
    def effective_port(self) -> int:
        """The port to connect to: ``port``, or the usual one for ``security``."""
        if self.port is not None:
            return self.port
        return {"tls": 465, "starttls": 587, "none": 25}[self.security]


class MailSettings(Section):
    """Outgoing mail: which backend sends it, the default sender, the SMTP server."""

    backend: Literal[
        "console",
        "file",
        "memory",
        "smtp",
        "ses",
        "sendgrid",
        "resend",
        "postmark",
        "failover",
        "custom",
    ] = Field(
        default="console",
        description="Where mail goes: the console, files, memory (tests), an SMTP server, "
        "a provider's API (ses, sendgrid, resend, postmark), `failover` (each of "
        "mail.failover in turn until one accepts) or `custom` (the "
        "app's MAILER.provide); production refuses console and memory.",
    )
    from_address: str = Field(
        default="Shipyard <noreply@localhost>", description="Sender of the mail the app sends."
    )
    file_dir: Path = Field(
        default=Path("var/mail"), description="The file backend's folder (relative: to root)."
    )
    smtp: SmtpSettings = Field(
        default_factory=SmtpSettings, description="The smtp backend's server."
    )
    failover: tuple[MailBackendName, ...] = Field(
        default=(),
        description='With backend = "failover": the backends to try in order, e.g. '
        '["smtp", "file"]; the next is tried when one fails.',
    )
    ses: SesSettings = Field(default_factory=SesSettings, description="The ses backend.")
    sendgrid: SendgridSettings = Field(
        default_factory=SendgridSettings, description="The sendgrid backend and its webhook."
    )
    resend: ResendSettings = Field(
        default_factory=ResendSettings, description="The resend backend and its webhook."
    )
    postmark: PostmarkSettings = Field(
        default_factory=PostmarkSettings, description="The postmark backend and its webhook."
    )
    tracking: MailTrackingSettings = Field(
        default_factory=MailTrackingSettings, description="Open and click tracking."
    )
    webhooks_path: str = Field(
        default="/_shipyard/mail/webhooks",
        pattern=r"^/[A-Za-z0-9/_.-]*[A-Za-z0-9_.-]$",
        description="Where the providers' delivery webhooks are served "
        "(<path>/ses, /sendgrid, /resend, /postmark).",
    )

    @model_validator(mode="after")
    def _backend_is_complete(self) -> MailSettings:
        uses_smtp = self.backend == "smtp" or (
            self.backend == "failover" and "smtp" in self.failover
        )
        if uses_smtp and not self.smtp.host:
            raise ValueError(
                "mail.smtp.host is not set: the smtp mail backend needs the server's name, "
                'e.g. [mail.smtp] host = "smtp.example.com" (or SHIPYARD_MAIL__SMTP__HOST)'
            )
        used = set(self.failover) if self.backend == "failover" else {self.backend}
        for name in sorted(used & {"sendgrid", "resend", "postmark"}):
            provider: SendgridSettings | ResendSettings | PostmarkSettings = getattr(self, name)
            if provider.api_key is None:
                raise ValueError(
                    f"mail.{name}.api_key is not set: the {name} mail backend needs the "
                    f"provider's API key (a secret:// reference, or "
                    f"SHIPYARD_MAIL__{name.upper()}__API_KEY)"
                )
        if self.backend == "failover" and len(self.failover) < 2:
            raise ValueError(
                'mail.backend is "failover" but mail.failover lists fewer than two backends: '
                'set mail.failover = ["smtp", "file"] (say)'
            )
        return self


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

    header_name: str = Field(default="X-API-Key", description="Request header carrying the key.")
    prefix: str = Field(
        default="sk_",
        pattern=r"^[A-Za-z0-9]{1,16}_$",
        description="Start of every generated key, so leaked keys are easy to recognise.",
    )
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
    issuer: str = Field(default="shipyard", description="The iss claim of access tokens.")
    audience: str = Field(
        default="shipyard-api",
        description="The aud claim of access tokens (checked on every request).",
    )
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
    denylist: Literal["database", "redis"] = Field(
        default="database", description="Where revoked token ids are kept until they expire."
    )
    redis_url: SecretStr = Field(
        default=SecretStr("redis://127.0.0.1:6379/0"),
        description="Redis server for tokens.denylist = redis.",
    )
    redis_prefix: str = Field(
        default="shipyard:revoked-jti:", description="Key prefix of revoked token ids in Redis."
    )
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


class ThrottleSettings(Section):
    """Growing delays for password guesses, per account (see docs/rate-limiting.md).

    Failures count per account and client IP, and per account from every IP that has not
    logged in to it before; past the free ones, each further attempt must wait
    ``first_delay`` seconds, then twice as long after each failure, up to ``max_delay``.
    """

    failures: int = Field(
        default=5, ge=1, description="Failed attempts per account and client IP before delays."
    )
    account_failures: int = Field(
        default=100,
        ge=1,
        description="Failed attempts per account from all IPs it was never logged into "
        "from, before those IPs face delays too.",
    )
    first_delay: int = Field(
        default=1, ge=1, description="Seconds to wait after the last free failure (doubling)."
    )
    max_delay: int = Field(default=900, ge=1, description="Longest wait between attempts (s).")
    window: int = Field(
        default=24 * 3600,
        ge=60,
        description="Seconds failures are remembered, from the first (a success forgets).",
    )
    known_ip_ttl: int = Field(
        default=30 * 24 * 3600,
        ge=0,
        description="Seconds an IP that logged in to an account stays exempt from the "
        "account-wide delays; 0 = never exempt.",
    )


class RateLimitSettings(Section):
    """Rate limiting (see docs/rate-limiting.md): storage, strategy and the global limits.

    Limits are strings the ``limits`` library parses: ``"60/minute"``, ``"10 per 15 minutes"``.
    """

    enabled: bool = Field(default=True, description="Apply the global and route rate limits.")
    storage: Literal["memory", "redis"] = Field(
        default="memory", description="`redis` shares counters between worker processes."
    )
    redis_url: SecretStr = Field(
        default=SecretStr("redis://127.0.0.1:6379/0"),
        description="Redis server for ratelimit.storage = redis.",
    )
    key_prefix: str = Field(
        default="shipyard:ratelimit", description="Key prefix of the counters in the storage."
    )
    strategy: Literal["sliding-window", "moving-window", "fixed-window"] = Field(
        default="sliding-window",
        description="Counting window: `sliding-window` (the previous window's hits decay "
        "over the current one), `fixed-window` (one count per window, bursts at its edges); "
        "`moving-window` is the old name of `sliding-window`.",
    )
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
    throttle: ThrottleSettings = Field(
        default_factory=ThrottleSettings,
        description="Growing delays for password guesses per account and IP.",
    )
    mail_per_address: str | None = Field(
        default="5/hour",
        description="Account mails (reset, verification...) sent to one address; past it "
        "the request is answered as usual but nothing is sent. null turns it off.",
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

    @field_validator("user", "ip", "mail_per_address")
    @classmethod
    def _one_limit(cls, value: str | None) -> str | None:
        from shipyard.config.limits import check_limit

        return None if value is None else check_limit(value)

    @field_validator("named")
    @classmethod
    def _named_limits(cls, value: dict[str, str]) -> dict[str, str]:
        from shipyard.config.limits import check_limit

        return {name: check_limit(limit) for name, limit in value.items()}

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        from shipyard.config.limits import check_network

        return [check_network(entry) for entry in value]
