"""Postmark's webhooks: no signature, so the URL you give Postmark carries HTTP basic
auth credentials (``https://user:password@example.com/...``), checked here in constant
time. Bounces carry an ``ID`` (the replay id); ``Type`` ``HardBounce`` (and the other
permanent types) suppresses the address."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping
from typing import Any

from shipyard.mail.webhooks.events import DeliveryEvent, EventKind, VerifiedWebhook, WebhookRejected

KINDS: dict[str, EventKind] = {
    "Delivery": "delivered",
    "Open": "opened",
    "Click": "clicked",
    "Bounce": "bounced",
    "SpamComplaint": "complained",
}

PERMANENT_BOUNCES = frozenset(
    {"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification"}
)


def _credentials(headers: Mapping[str, str]) -> tuple[str, str] | None:
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (user, password) if sep else None


def verify(
    username: str, password: str, headers: Mapping[str, str], body: bytes
) -> VerifiedWebhook:
    """The events of a Postmark webhook call with the right credentials."""
    given = _credentials(headers)
    user_ok = given is not None and hmac.compare_digest(given[0].encode(), username.encode())
    password_ok = given is not None and hmac.compare_digest(given[1].encode(), password.encode())
    if not (user_ok and password_ok):
        raise WebhookRejected(401, "the webhook's basic-auth credentials are wrong or missing")
    try:
        item: Any = json.loads(body)
    except ValueError:
        raise WebhookRejected(400, "the webhook body is not JSON") from None
    if not isinstance(item, dict):
        raise WebhookRejected(400, "the webhook body is not a JSON object")
    kind = KINDS.get(str(item.get("RecordType")))
    if kind is None:
        return VerifiedWebhook("postmark", (), ())
    address = str(item.get("Email") or item.get("Recipient") or "")
    event = DeliveryEvent(
        kind,
        str(item.get("MessageID") or "") or None,
        (address,) if address else (),
        permanent=kind == "complained" or str(item.get("Type")) in PERMANENT_BOUNCES,
        detail=str(item.get("Description") or item.get("Details") or "")[:500] or None,
    )
    ids = (f"{item['RecordType']}:{item['ID']}",) if item.get("ID") is not None else ()
    return VerifiedWebhook("postmark", ids, (event,))
