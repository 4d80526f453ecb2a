"""Mail provider sections: the HTTP APIs (SES, SendGrid, Resend, Postmark), their
delivery webhooks, and open/click tracking (docs/mail.md)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class SesSettings(Section):
    """AWS SES (API v2): the ses mail backend, and its SNS delivery notifications."""

    region: str | None = Field(
        default=None, description="AWS region of SES; null: AWS_REGION / AWS_DEFAULT_REGION."
    )
    endpoint_url: str | None = Field(
        default=None, description="Another SES endpoint (a local stand-in); null: AWS's."
    )
    access_key_id: str | None = Field(
        default=None, description="Access key id; null: the usual AWS credential chain."
    )
    secret_access_key: SecretStr | None = Field(
        default=None, description="Secret access key for access_key_id (a secret:// reference)."
    )
    configuration_set: str | None = Field(
        default=None,
        description="SES configuration set to send with (the one publishing events to SNS).",
    )
    timeout: float = Field(default=30.0, gt=0, description="Seconds per SES call.")
    sns_topic_arns: tuple[str, ...] = Field(
        default=(),
        description="SNS topics whose notifications the SES webhook accepts; empty: any "
        "topic (each message's signature is checked either way).",
    )


class ProviderApiSettings(Section):
    """What every HTTP mail API backend needs: its key, base URL and a timeout."""

    api_key: SecretStr | None = Field(
        default=None, description="The provider's API key or token (a secret:// reference)."
    )
    base_url: str = Field(default="", description="The API's base URL (change it for a stand-in).")
    timeout: float = Field(default=30.0, gt=0, description="Seconds per API request.")


class SendgridSettings(ProviderApiSettings):
    """SendGrid (v3 mail/send) and its signed event webhook."""

    base_url: str = Field(default="https://api.sendgrid.com", description="The API's base URL.")
    webhook_public_key: str | None = Field(
        default=None,
        description="The event webhook's verification key (base64 DER or PEM, ECDSA P-256) "
        "from SendGrid's Mail Settings; null: the webhook answers 404.",
    )
    webhook_tolerance: int = Field(
        default=300, ge=1, description="Seconds an event webhook timestamp stays acceptable."
    )


class ResendSettings(ProviderApiSettings):
    """Resend (POST /emails) and its Svix-signed webhook."""

    base_url: str = Field(default="https://api.resend.com", description="The API's base URL.")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="The webhook's signing secret (whsec_...); null: the webhook answers 404.",
    )
    webhook_tolerance: int = Field(
        default=300, ge=1, description="Seconds a webhook's svix-timestamp stays acceptable."
    )


class PostmarkSettings(ProviderApiSettings):
    """Postmark (POST /email) and its webhook, guarded by HTTP basic auth."""

    base_url: str = Field(default="https://api.postmarkapp.com", description="The API's base URL.")
    message_stream: str = Field(default="outbound", description="The message stream to send on.")
    webhook_username: str | None = Field(
        default=None, description="Basic-auth user of the webhook URL you give Postmark."
    )
    webhook_password: SecretStr | None = Field(
        default=None,
        description="Basic-auth password of the webhook URL; null: the webhook answers 404.",
    )


class MailTrackingSettings(Section):
    """Open pixel and click tracking of queued mail (off by default)."""

    opens: bool = Field(default=False, description="Add a 1x1 open-tracking image to HTML mail.")
    clicks: bool = Field(
        default=False, description="Send links through a signed redirect that records the click."
    )
    path: str = Field(
        default="/_shipyard/mail/t",
        pattern=r"^/[A-Za-z0-9/_.-]*[A-Za-z0-9_.-]$",
        description="Where the tracking pixel and redirects are served.",
    )
