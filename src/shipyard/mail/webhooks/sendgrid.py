"""SendGrid's signed event webhook.

SendGrid signs ``timestamp + body`` (the ``X-Twilio-Email-Event-Webhook-Timestamp``
header, then the raw body) with ECDSA P-256 / SHA-256; the base64 DER signature is in
``X-Twilio-Email-Event-Webhook-Signature``, the public key (base64 DER, or PEM) in the
account's Mail Settings. The body is a JSON array of events; each ``sg_event_id`` is a
replay id. ``sg_message_id`` starts with the ``X-Message-Id`` the send answered with.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shipyard.mail.webhooks.events import DeliveryEvent, EventKind, VerifiedWebhook, WebhookRejected

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE = "x-twilio-email-event-webhook-signature"
TIMESTAMP = "x-twilio-email-event-webhook-timestamp"

KINDS: dict[str, EventKind] = {
    "delivered": "delivered",
    "open": "opened",
    "click": "clicked",
    "bounce": "bounced",
    "spamreport": "complained",
}


def public_key(text: str) -> ec.EllipticCurvePublicKey:
    """The verification key from its base64 DER (as SendGrid shows it) or PEM form."""
    # cryptography is imported where a webhook is verified: ~8 MB and ~25 ms an app that
    # takes no SendGrid webhooks would pay at start
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import (
        load_der_public_key,
        load_pem_public_key,
    )

    try:
        if "BEGIN PUBLIC KEY" in text:
            key = load_pem_public_key(text.encode())
        else:
            key = load_der_public_key(base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, binascii.Error) as error:
        raise WebhookRejected(
            404,
            "mail.sendgrid.webhook_public_key is not a public key",
            hint="copy the verification key of the signed event webhook from SendGrid",
        ) from error
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise WebhookRejected(404, "mail.sendgrid.webhook_public_key is not an ECDSA key")
    return key


def verify(
    key_text: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int,
    now: float | None = None,
) -> VerifiedWebhook:
    """The events of a genuine, fresh SendGrid webhook call; :class:`WebhookRejected` else."""
    signature = headers.get(SIGNATURE, "")
    timestamp = headers.get(TIMESTAMP, "")
    if not (signature and timestamp):
        raise WebhookRejected(400, f"the {SIGNATURE} and {TIMESTAMP} headers are required")
    try:
        sent_at = int(timestamp)
        der = base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error):
        raise WebhookRejected(400, "the signature or timestamp header is malformed") from None
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise WebhookRejected(400, "the webhook timestamp is too old or in the future")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        public_key(key_text).verify(der, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise WebhookRejected(401, "the event webhook signature does not match") from None
    events, ids = _events(body)
    return VerifiedWebhook("sendgrid", ids, tuple(events))


def _events(body: bytes) -> tuple[list[DeliveryEvent], tuple[str, ...]]:
    try:
        payload: Any = json.loads(body)
    except ValueError:
        raise WebhookRejected(400, "the webhook body is not JSON") from None
    if not isinstance(payload, list):
        raise WebhookRejected(400, "the webhook body is not a JSON array of events")
    events: list[DeliveryEvent] = []
    ids: list[str] = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        if item.get("sg_event_id"):
            ids.append(str(item["sg_event_id"]))
        kind = KINDS.get(str(item.get("event")))
        if kind is None:
            continue
        message_id = str(item.get("sg_message_id") or "").partition(".")[0] or None
        address = str(item.get("email") or "")
        events.append(
            DeliveryEvent(
                kind,
                message_id,
                (address,) if address else (),
                # "bounce" is a hard bounce; SendGrid reports soft ones as "blocked"/"deferred"
                permanent=kind == "complained" or str(item.get("type", "bounce")) == "bounce",
                detail=str(item.get("reason") or "")[:500] or None,
            )
        )
    return events, tuple(ids)
