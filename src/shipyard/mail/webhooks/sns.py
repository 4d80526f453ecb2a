"""SES events delivered by Amazon SNS, with SNS's message signature checked.

SNS signs each message with the private key of a certificate it publishes at
``SigningCertURL``; the signed text is the message's fields, each ``Name\\nvalue\\n``, in
a fixed order (``SignatureVersion`` 1: SHA1withRSA, 2: SHA256withRSA). The certificate
is only fetched from ``https://sns.<region>.amazonaws.com/...pem`` (any other host, a
plain-http URL, a path that is not a ``.pem`` is refused before anything is fetched), so
a forger cannot make us trust a certificate of their own. A
``SubscriptionConfirmation`` is confirmed by visiting its ``SubscribeURL`` (same host
rule) once its signature held. The SES event inside (``eventType`` of a configuration
set's event destination, or ``notificationType`` of identity notifications) becomes
:class:`DeliveryEvent`s; the SNS ``MessageId`` is the replay id.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from datetime import datetime
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from shipyard.mail.webhooks.events import DeliveryEvent, EventKind, VerifiedWebhook, WebhookRejected

SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
"""The hosts SNS serves its signing certificates and subscription URLs from."""

SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}

KINDS: dict[str, EventKind] = {
    "Delivery": "delivered",
    "Open": "opened",
    "Click": "clicked",
    "Bounce": "bounced",
    "Complaint": "complained",
}

MAX_AGE = 3600
"""Seconds after its ``Timestamp`` an SNS message is still accepted (SNS retries for a
while; older is treated as a replay)."""


def aws_url(url: str) -> bool:
    """True for an https URL on an SNS host (``sns.<region>.amazonaws.com``)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port is None
        and "@" not in parts.netloc  # no user info: the host is what it looks like
        and bool(SNS_HOST.match(parts.hostname or ""))
    )


@runtime_checkable
class SnsEndpoints(Protocol):
    """Where the SNS webhook gets signing certificates and confirms subscriptions."""

    async def certificate(self, url: str) -> bytes:
        """The PEM certificate at ``url`` (refusing URLs not from SNS)."""
        ...

    async def confirm(self, url: str) -> None:
        """Visit a subscription's ``SubscribeURL``."""
        ...


class AwsSnsEndpoints:
    """The real thing: certificates fetched (and cached) only from SNS's own hosts."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._certificates: dict[str, bytes] = {}

    async def certificate(self, url: str) -> bytes:
        if not (aws_url(url) and urlsplit(url).path.endswith(".pem")):
            raise WebhookRejected(400, "SigningCertURL is not an SNS certificate URL")
        found = self._certificates.get(url)
        if found is None:
            found = await self._get(url, "the SNS signing certificate could not be fetched")
            self._certificates[url] = found
        return found

    async def confirm(self, url: str) -> None:
        if not aws_url(url):
            raise WebhookRejected(400, "SubscribeURL is not an SNS URL")
        await self._get(url, "the SNS subscription could not be confirmed")

    async def _get(self, url: str, failure: str) -> bytes:
        """The body of ``url``; a 502 refusal saying ``failure`` when it cannot be had.

        httpx is imported here, not with the module: every app imports the webhook
        routes, few receive SNS notifications.
        """
        import httpx

        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise WebhookRejected(502, f"{failure}: {error}") from error
        return response.content


def string_to_sign(message: dict[str, Any]) -> bytes:
    """The text SNS signed: each present signed field as ``Name\\nvalue\\n``."""
    fields = SIGNED_FIELDS.get(str(message.get("Type")))
    if fields is None:
        raise WebhookRejected(400, "not an SNS message (unknown Type)")
    return "".join(
        f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None
    ).encode()


def _check_signature(message: dict[str, Any], pem: bytes) -> None:
    # imported here: cryptography's x509 costs every app ~25 ms at start, SNS users only pay it
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    version = str(message.get("SignatureVersion"))
    algorithm: hashes.HashAlgorithm
    if version == "1":
        algorithm = hashes.SHA1()  # noqa: S303  # nosec B303: SNS SignatureVersion 1 is SHA1withRSA
    elif version == "2":
        algorithm = hashes.SHA256()
    else:
        raise WebhookRejected(400, "unknown SNS SignatureVersion")
    try:
        certificate = x509.load_pem_x509_certificate(pem)
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
    except (ValueError, binascii.Error):
        raise WebhookRejected(400, "the SNS signature or certificate is malformed") from None
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise WebhookRejected(400, "the SNS signing certificate has no RSA key")
    try:
        key.verify(signature, string_to_sign(message), padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        raise WebhookRejected(401, "the SNS message signature does not match") from None


async def verify(
    body: bytes,
    endpoints: SnsEndpoints,
    *,
    topics: tuple[str, ...] = (),
    now: float | None = None,
) -> VerifiedWebhook:
    """The SES events of a genuine, fresh SNS message; :class:`WebhookRejected` else."""
    try:
        message: Any = json.loads(body)
    except ValueError:
        raise WebhookRejected(400, "the SNS message is not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("MessageId"), str):
        raise WebhookRejected(400, "not an SNS message")
    if topics and message.get("TopicArn") not in topics:
        raise WebhookRejected(403, "the SNS topic is not one of mail.ses.sns_topic_arns")
    try:
        sent_at = datetime.fromisoformat(str(message.get("Timestamp")).replace("Z", "+00:00"))
    except ValueError:
        raise WebhookRejected(400, "the SNS Timestamp is malformed") from None
    current = time.time() if now is None else now
    if abs(current - sent_at.timestamp()) > MAX_AGE:
        raise WebhookRejected(400, "the SNS message is too old or in the future (stale)")
    pem = await endpoints.certificate(str(message.get("SigningCertURL", "")))
    _check_signature(message, pem)
    if message["Type"] == "SubscriptionConfirmation":
        await endpoints.confirm(str(message.get("SubscribeURL", "")))
        return VerifiedWebhook("ses", (message["MessageId"],), ())
    if message["Type"] != "Notification":
        return VerifiedWebhook("ses", (message["MessageId"],), ())
    return VerifiedWebhook("ses", (message["MessageId"],), tuple(_events(message["Message"])))


def _events(text: object) -> list[DeliveryEvent]:
    try:
        event: Any = json.loads(str(text))
    except ValueError:
        return []
    if not isinstance(event, dict):
        return []
    kind = KINDS.get(str(event.get("eventType") or event.get("notificationType")))
    mail = event.get("mail")
    if kind is None or not isinstance(mail, dict):
        return []
    message_id = str(mail.get("messageId") or "") or None
    section = event.get(kind_section(kind))
    addresses: tuple[str, ...] = ()
    permanent = kind == "complained"
    detail = None
    if isinstance(section, dict):
        if kind == "bounced":
            listed = section.get("bouncedRecipients") or []
            addresses = tuple(str(r.get("emailAddress")) for r in listed if isinstance(r, dict))
            permanent = section.get("bounceType") == "Permanent"
            detail = f"{section.get('bounceType')}/{section.get('bounceSubType')}"
        elif kind == "complained":
            listed = section.get("complainedRecipients") or []
            addresses = tuple(str(r.get("emailAddress")) for r in listed if isinstance(r, dict))
        elif kind == "delivered":
            addresses = tuple(str(a) for a in section.get("recipients") or [])
    return [DeliveryEvent(kind, message_id, addresses, permanent=permanent, detail=detail)]


def kind_section(kind: EventKind) -> str:
    """The key of the SES event's details (``bounce``, ``complaint``...)."""
    return {
        "delivered": "delivery",
        "opened": "open",
        "clicked": "click",
        "bounced": "bounce",
        "complained": "complaint",
    }[kind]
