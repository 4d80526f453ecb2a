"""The base of the mail backends that send through a provider's JSON HTTP API.

A provider subclass says where to post (``path``), how to authenticate, what JSON its
API takes and where the answer carries the message id; the base posts it with httpx and
turns every failure into an error naming the setting to check. A 4xx answer refuses the
message for good (:class:`MailRefused`: a queued mail is not retried) except 408 and 429,
which like 5xx and network errors are worth retrying (:class:`MailDeliveryError`).
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any, ClassVar

import httpx

from shipyard.config.sections.accounts import MailSettings
from shipyard.config.sections.mail_providers import ProviderApiSettings
from shipyard.mail.message import Message
from shipyard.mail.smtp import MailDeliveryError, MailRefused

RETRYABLE_STATUSES = frozenset({408, 425, 429})
"""4xx answers that say "not now" rather than "never"."""


def split_address(address: str) -> tuple[str, str]:
    """``("Ann <ann@example.com>")`` -> ``("Ann", "ann@example.com")``."""
    name, email = parseaddr(address)
    return name, email or address


def encoded(content: bytes) -> str:
    """Attachment content as the base64 text the JSON APIs take."""
    return base64.b64encode(content).decode("ascii")


class HttpApiMailer(ABC):
    """Posts each message as JSON to a provider's API; returns the provider's message id."""

    provider: ClassVar[str]
    """The backend's name, also its settings section (``mail.<provider>``)."""
    path: ClassVar[str]
    """The send endpoint, under the section's ``base_url``."""

    def __init__(
        self, settings: MailSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ):
        self.settings = settings
        self.transport = transport
        self.requests_made = 0

    @property
    def api(self) -> ProviderApiSettings:
        """This provider's settings section."""
        section: ProviderApiSettings = getattr(self.settings, self.provider)
        return section

    def _key(self) -> str:
        key = self.api.api_key
        if key is None:
            raise MailDeliveryError(
                f"mail.{self.provider}.api_key is not set",
                hint=f"set mail.{self.provider}.api_key to a secret:// reference of the "
                f"provider's key (or SHIPYARD_MAIL__{self.provider.upper()}__API_KEY)",
            )
        return key.get_secret_value()

    @abstractmethod
    def auth_headers(self, key: str) -> dict[str, str]:
        """The headers that authenticate a request with ``key``."""

    @abstractmethod
    def payload(self, message: Message, sender: str) -> dict[str, Any]:
        """The JSON body the API takes for ``message`` sent by ``sender``."""

    @abstractmethod
    def message_id(self, response: httpx.Response) -> str | None:
        """The provider's id of the accepted message, read from its answer."""

    def request_headers(self, message: Message) -> dict[str, str]:
        """Extra headers of the request for ``message`` (an idempotency key, say)."""
        return {}

    def error_detail(self, response: httpx.Response) -> str:
        """What the provider said in an error answer, shortened."""
        return " ".join(response.text.split())[:500] or response.reason_phrase

    def _url(self) -> str:
        return self.api.base_url.rstrip("/") + self.path

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.api.timeout, transport=self.transport)

    async def send(self, message: Message) -> str | None:
        """Send one message; the provider's id for it."""
        async with self._client() as client:
            return await self._post(client, message)

    async def send_many(self, messages: Iterable[Message]) -> None:
        """Send each message over one HTTP connection pool."""
        async with self._client() as client:
            for message in messages:
                await self._post(client, message)

    async def _post(self, client: httpx.AsyncClient, message: Message) -> str | None:
        sender = message.from_address or self.settings.from_address
        message.to_email(sender)  # the same header checks as every backend
        body = self.payload(message, sender)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            **self.auth_headers(self._key()),
            **self.request_headers(message),
        }
        where = f"{self._url()} (mail.{self.provider}.base_url)"
        try:
            response = await client.post(self._url(), json=body, headers=headers)
        except httpx.TimeoutException as error:
            raise MailDeliveryError(
                f"{self.provider} did not answer within {self.api.timeout} s at {where}",
                hint=f"retry later, or raise mail.{self.provider}.timeout",
            ) from error
        except httpx.HTTPError as error:
            raise MailDeliveryError(
                f"cannot reach {self.provider} at {where}: {error}",
                hint=f"check mail.{self.provider}.base_url and the network",
            ) from error
        self.requests_made += 1
        if response.is_success:
            return self.message_id(response)
        self._raise(response, message)
        return None  # pragma: no cover  # _raise always raises

    def _raise(self, response: httpx.Response, message: Message) -> None:
        status = response.status_code
        detail = f"{self.provider} answered {status} to {message.subject!r}: "
        detail += self.error_detail(response)
        if status in (401, 403):
            raise MailRefused(
                detail,
                hint=f"check mail.{self.provider}.api_key (the key may be revoked or lack "
                "permission to send)",
            )
        if 400 <= status < 500 and status not in RETRYABLE_STATUSES:
            raise MailRefused(
                detail,
                hint="check the recipients and that mail.from_address is a sender the "
                f"{self.provider} account verified",
            )
        raise MailDeliveryError(detail, hint="a temporary failure: the queued mail is retried")
