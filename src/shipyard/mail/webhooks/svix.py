"""Resend's webhooks, signed the Svix way.

Each request carries ``svix-id``, ``svix-timestamp`` (Unix seconds) and
``svix-signature`` (space-separated ``v1,<base64>`` entries). The signature is
HMAC-SHA256, keyed with the base64 part of the ``whsec_...`` secret, over
``"{svix-id}.{svix-timestamp}.{body}"``. A timestamp further than the tolerance from
now (either way) is stale; the ``svix-id`` is the replay id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from shipyard.mail.webhooks.events import DeliveryEvent, EventKind, VerifiedWebhook, WebhookRejected

KINDS: dict[str, EventKind] = {
    "email.delivered": "delivered",
    "email.opened": "opened",
    "email.clicked": "clicked",
    "email.bounced": "bounced",
    "email.complained": "complained",
}


def secret_bytes(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret."""
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError) as error:
        raise WebhookRejected(
            404,
            "mail.resend.webhook_secret is not a Svix secret",
            hint="copy the whsec_... signing secret of the webhook from Resend",
        ) from error


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The ``v1,<base64>`` signature of a request (what Svix sends; tests use it)."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int,
    now: float | None = None,
) -> VerifiedWebhook:
    """The events of a genuine, fresh Resend webhook call; :class:`WebhookRejected` else."""
    msg_id = headers.get("svix-id", "")
    timestamp = headers.get("svix-timestamp", "")
    signatures = headers.get("svix-signature", "")
    if not (msg_id and timestamp and signatures):
        raise WebhookRejected(400, "svix-id, svix-timestamp and svix-signature are required")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookRejected(400, "svix-timestamp is not a Unix time") from None
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise WebhookRejected(400, "svix-timestamp is too old or in the future (stale request)")
    expected = sign(secret, msg_id, timestamp, body).partition(",")[2]
    offered = [entry.partition(",")[2] for entry in signatures.split() if entry.startswith("v1,")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise WebhookRejected(401, "the svix-signature does not match the body")
    return VerifiedWebhook("resend", (msg_id,), tuple(_events(body)))


def _events(body: bytes) -> list[DeliveryEvent]:
    try:
        payload: Any = json.loads(body)
    except ValueError:
        raise WebhookRejected(400, "the webhook body is not JSON") from None
    if not isinstance(payload, dict):
        raise WebhookRejected(400, "the webhook body is not a JSON object")
    kind = KINDS.get(str(payload.get("type")))
    data = payload.get("data")
    if kind is None or not isinstance(data, dict):
        return []  # email.sent, email.delivery_delayed...: nothing to record
    to = data.get("to")
    addresses = tuple(str(a) for a in to) if isinstance(to, list) else ()
    bounce = data.get("bounce")
    permanent = kind == "complained" or (
        kind == "bounced"
        and (not isinstance(bounce, dict) or str(bounce.get("type", "Permanent")) == "Permanent")
    )
    return [
        DeliveryEvent(
            kind,
            str(data.get("email_id") or "") or None,
            addresses,
            permanent=permanent,
            detail=json.dumps(bounce)[:500] if isinstance(bounce, dict) else None,
        )
    ]
