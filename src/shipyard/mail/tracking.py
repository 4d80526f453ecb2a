"""Open and click tracking: signed tokens in the links and pixel of a queued mail.

With ``mail.tracking.clicks`` on, every ``http(s)`` link of a mail's HTML part becomes
``<base_url><tracking.path>/c/<token>``, the token signing (with the app's secret key)
the delivery's key and the original URL; the redirect endpoint sends the reader to the
URL *inside the token* and nowhere else, so a forged or altered token gets a 404, never
a redirect elsewhere (no open redirect). With ``mail.tracking.opens`` on, a 1x1 image
``<tracking.path>/o/<token>`` is added before ``</body>``. The text part is left as is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from typing import TYPE_CHECKING

from itsdangerous import BadData, URLSafeSerializer

from shipyard.core.urls import canonical_url
from shipyard.mail.message import Message

if TYPE_CHECKING:
    from shipyard.config.models import Settings
    from shipyard.core.app import AppBase

_LINK = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"']+)\2""", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(
        settings.app.secret_key.get_secret_value(),
        salt="shipyard.mail.tracking",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def click_token(settings: Settings, key: str, url: str) -> str:
    """The token that records a click of ``url`` in delivery ``key`` and leads there."""
    return str(_serializer(settings).dumps(["c", key, url]))


def open_token(settings: Settings, key: str) -> str:
    """The token of delivery ``key``'s open pixel."""
    return str(_serializer(settings).dumps(["o", key]))


def read_click(settings: Settings, token: str) -> tuple[str, str] | None:
    """(key, url) of a genuine click token whose URL is http(s); None for anything else."""
    try:
        value = _serializer(settings).loads(token)
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 3 and value[0] == "c"):
        return None
    key, url = value[1], value[2]
    if not (isinstance(key, str) and isinstance(url, str)):
        return None
    if not url.lower().startswith(("https://", "http://")) or any(c in url for c in "\r\n"):
        return None
    return key, url


def read_open(settings: Settings, token: str) -> str | None:
    """The key of a genuine open token; None for anything else."""
    try:
        value = _serializer(settings).loads(token)
    except BadData:
        return None
    if isinstance(value, list) and len(value) == 2 and value[0] == "o":
        key = value[1]
        return key if isinstance(key, str) else None
    return None


def track(app: AppBase, message: Message, key: str) -> Message:
    """``message`` with its links and pixel tracked, as ``mail.tracking`` asks."""
    settings = app.settings
    tracking = settings.mail.tracking
    if message.html is None or not (tracking.opens or tracking.clicks):
        return message
    base = canonical_url(settings) + tracking.path
    body = message.html
    if tracking.clicks:

        def rewrite(match: re.Match[str]) -> str:
            url = html.unescape(match.group(3))
            token = click_token(settings, key, url)
            return f"{match.group(1)}{match.group(2)}{base}/c/{token}{match.group(2)}"

        body = _LINK.sub(rewrite, body)
    if tracking.opens:
        pixel = (
            f'<img src="{base}/o/{open_token(settings, key)}" width="1" height="1" alt="" '
            'style="display:block;border:0;width:1px;height:1px">'
        )
        found = list(_BODY_END.finditer(body))
        if found:
            at = found[-1].start()
            body = body[:at] + pixel + body[at:]
        else:
            body += pixel
    return dataclasses.replace(message, html=body)
