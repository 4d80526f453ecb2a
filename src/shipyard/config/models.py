"""The typed settings tree: one section per subsystem, validated by pydantic.

Apps add their own sections by subclassing :class:`Settings`::

    class MySettings(Settings):
        billing: BillingSettings = BillingSettings()

Installed packages add theirs through the ``shipyard.settings`` entry-point group
(:mod:`shipyard.config.plugin_sections`). Unknown keys are errors (they are nearly always
typos), so every section forbids extras.
"""

from __future__ import annotations

from pydantic import Field

from shipyard.config.sections.accounts import (
    ApiKeySettings,
    AuthSettings,
    AuthzSettings,
    MailSettings,
    RateLimitSettings,
    SigningKeySettings,
    ThrottleSettings,
    TokenSettings,
)
from shipyard.config.sections.api import (
    API_VERSION_PATTERN,
    ApiSettings,
    DeprecationPolicy,
)
from shipyard.config.sections.base import (
    Section,
)
from shipyard.config.sections.cache import CacheSettings
from shipyard.config.sections.core import (
    DEVELOPMENT_SECRET_KEY,
    AppSettings,
    ConfigSettings,
    DatabaseSettings,
    ServerSettings,
)
from shipyard.config.sections.images import ImageSettings
from shipyard.config.sections.jobs import JobRetrySettings, JobsSettings
from shipyard.config.sections.notifications import NotificationSettings
from shipyard.config.sections.oauth import OAuthProviderSettings, OAuthSettings
from shipyard.config.sections.observability import (
    HealthSettings,
    LoggingSettings,
    MetricsSettings,
    TracingSettings,
)
from shipyard.config.sections.realtime import RealtimeSettings
from shipyard.config.sections.storage import (
    AzureStorageSettings,
    S3StorageSettings,
    StorageSettings,
)
from shipyard.config.sections.uploads import UploadSettings
from shipyard.config.sections.web import (
    CorsSettings,
    CsrfSettings,
    SecurityHeadersSettings,
    SessionSettings,
    WebSettings,
)

__all__ = [
    "API_VERSION_PATTERN",
    "DEVELOPMENT_SECRET_KEY",
    "ApiKeySettings",
    "ApiSettings",
    "AppSettings",
    "AuthSettings",
    "AuthzSettings",
    "AzureStorageSettings",
    "CacheSettings",
    "ConfigSettings",
    "CorsSettings",
    "CsrfSettings",
    "DatabaseSettings",
    "DeprecationPolicy",
    "HealthSettings",
    "ImageSettings",
    "JobRetrySettings",
    "JobsSettings",
    "LoggingSettings",
    "MailSettings",
    "MetricsSettings",
    "NotificationSettings",
    "OAuthProviderSettings",
    "OAuthSettings",
    "RateLimitSettings",
    "RealtimeSettings",
    "S3StorageSettings",
    "Section",
    "SecurityHeadersSettings",
    "ServerSettings",
    "SessionSettings",
    "Settings",
    "SigningKeySettings",
    "StorageSettings",
    "ThrottleSettings",
    "TokenSettings",
    "TracingSettings",
    "UploadSettings",
    "WebSettings",
]


class Settings(Section):
    """The whole effective configuration of one Shipyard app."""

    profile: str = Field(
        default="development",
        description="Which `settings.<profile>.toml` applies; `production` turns on safety checks.",
    )
    app: AppSettings = AppSettings()
    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    config: ConfigSettings = ConfigSettings()
    web: WebSettings = WebSettings()
    sessions: SessionSettings = SessionSettings()
    cache: CacheSettings = CacheSettings()
    csrf: CsrfSettings = CsrfSettings()
    security: SecurityHeadersSettings = SecurityHeadersSettings()
    cors: CorsSettings = CorsSettings()
    ratelimit: RateLimitSettings = RateLimitSettings()
    auth: AuthSettings = AuthSettings()
    oauth: OAuthSettings = OAuthSettings()
    authz: AuthzSettings = AuthzSettings()
    mail: MailSettings = MailSettings()
    tokens: TokenSettings = TokenSettings()
    api: ApiSettings = ApiSettings()
    jobs: JobsSettings = JobsSettings()
    realtime: RealtimeSettings = RealtimeSettings()
    uploads: UploadSettings = UploadSettings()
    storage: StorageSettings = StorageSettings()
    images: ImageSettings = ImageSettings()
    notifications: NotificationSettings = NotificationSettings()
    logging: LoggingSettings = LoggingSettings()
    health: HealthSettings = HealthSettings()
    metrics: MetricsSettings = MetricsSettings()
    tracing: TracingSettings = TracingSettings()

    @property
    def is_production(self) -> bool:
        """True for the `production` profile, where debug aids are never on."""
        return self.profile == "production"
