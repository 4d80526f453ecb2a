"""AWS SES through its v2 API (``sesv2`` ``SendEmail`` with the raw MIME message, so
attachments and headers travel as the other backends send them). Needs ``shipyard[aws]``.

boto3 is synchronous: each call runs in a thread. A ``ClientError`` with a 4xx status
refuses the message for good (:class:`MailRefused`: unverified sender, rejected
message), except throttling; 5xx, throttling and connection errors are retried.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from shipyard.config.sections.accounts import MailSettings
from shipyard.mail.message import Message
from shipyard.mail.smtp import MailDeliveryError, MailRefused

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

THROTTLED = frozenset(
    {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException"}
)


class SesMailer:
    """Sends through AWS SES v2 (``mail.ses``); returns SES's ``MessageId``."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._client: SESV2Client | None = None
        self._lock = threading.Lock()

    def _connect(self) -> SESV2Client:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise MailDeliveryError(
                "the ses mail backend needs boto3, which is not installed",
                hint="pip install 'shipyard[aws]'",
            ) from None
        ses = self.settings.ses
        with self._lock:
            if self._client is None:
                secret = ses.secret_access_key
                self._client = boto3.session.Session().client(
                    "sesv2",
                    region_name=ses.region,
                    endpoint_url=ses.endpoint_url,
                    aws_access_key_id=ses.access_key_id,
                    aws_secret_access_key=secret.get_secret_value() if secret else None,
                    config=Config(
                        connect_timeout=ses.timeout,
                        read_timeout=ses.timeout,
                        retries={"max_attempts": 1},
                    ),
                )
            return self._client

    def _send(self, message: Message) -> str | None:
        from botocore.exceptions import BotoCoreError, ClientError, NoRegionError

        sender = message.from_address or self.settings.from_address
        raw = message.to_email(sender).as_bytes()
        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {
                "ToAddresses": list(message.recipients),
                "CcAddresses": list(message.cc),
                "BccAddresses": list(message.bcc),
            },
            "Content": {"Raw": {"Data": raw}},
        }
        if self.settings.ses.configuration_set:
            request["ConfigurationSetName"] = self.settings.ses.configuration_set
        where = self.settings.ses.endpoint_url or f"SES in {self.settings.ses.region or 'default'}"
        try:
            answer = self._connect().send_email(**request)
        except NoRegionError as error:
            raise MailDeliveryError(
                "no AWS region is configured for SES",
                hint="set mail.ses.region (or AWS_REGION)",
            ) from error
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
            text = f"{where} refused {message.subject!r}: {code}: {error}"
            if 400 <= status < 500 and code not in THROTTLED:
                raise MailRefused(
                    text,
                    hint="check that mail.from_address is an identity SES verified (and, in "
                    "the SES sandbox, the recipients too), and mail.ses credentials",
                ) from error
            raise MailDeliveryError(
                text, hint="a temporary failure: the queued mail is retried"
            ) from error
        except BotoCoreError as error:
            raise MailDeliveryError(
                f"cannot send through {where}: {error}",
                hint="check mail.ses.region, mail.ses.endpoint_url and the AWS credentials "
                "(mail.ses.access_key_id or the usual AWS chain)",
            ) from error
        found = answer.get("MessageId")
        return str(found) if found else None

    async def send(self, message: Message) -> str | None:
        """Send one message; SES's id for it."""
        return await asyncio.to_thread(self._send, message)

    async def send_many(self, messages: Iterable[Message]) -> None:
        """Send each message in turn (one client)."""
        for message in messages:
            await self.send(message)
